"""The escrito's archive, shown on its staff page (a lower app's template asks the archive for
its panel by name: no Python import points upward)."""

from django import template

register = template.Library()


@register.inclusion_tag("archivo/_escrito_panel.html", takes_context=True)
def archivo_del_escrito(context, escrito):
    from archivo.views import escrito_panel_context

    request = context["request"]
    return {**escrito_panel_context(request.user, escrito), "csrf_token": context.get("csrf_token")}
