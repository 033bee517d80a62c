from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog import archive, condition_articles, page_html, related, search_window
        from blog.models import Post
        from clinic.pages import registry

        registry.register(Post)
        related.connect()
        archive.connect()
        condition_articles.connect()
        page_html.connect()
        search_window.connect()
