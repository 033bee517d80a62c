"""{% fragment "name" key… %}…{% endfragment %}: part of a page, kept until content changes.

Like Django's {% cache %}, but invalidated by the content generation (clinic/ops/cache.py) instead
of a timeout, so it is never stale: any save of content renders it afresh on every app server.
Only for parts that are the same for every visitor (no user, no form, no CSP nonce).
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe

from clinic.ops.cache import fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist, self.parts = nodelist, parts

    def render(self, context):
        key = "\x1f".join(str(part.resolve(context)) for part in self.parts)
        name = "tpl:" + hashlib.sha256(key.encode()).hexdigest()
        return mark_safe(fragment(name, lambda: self.nodelist.render(context)))


@register.tag("fragment")
def do_fragment(parser, token):
    parts = token.split_contents()[1:]
    if not parts:
        raise template.TemplateSyntaxError(
            "{% fragment %} needs a name, e.g. {% fragment 'footer' %}"
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(part) for part in parts])
