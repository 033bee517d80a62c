from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from blog.models import Post, Tag


def published_posts():
    return Post.objects.published().select_related("author")


class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = 10

    def get_queryset(self):
        return published_posts()


class TagView(PostListView):
    template_name = "blog/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return published_posts().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class PostDetailView(DetailView):
    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        return published_posts().prefetch_related("tags")

    def get_context_data(self, **kwargs):
        post = self.object
        other_posts = published_posts().exclude(pk=post.pk)[:3]
        return super().get_context_data(other_posts=other_posts, **kwargs)
