from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_query(context, param: str, value: str, active: bool) -> str:
    """The current query with ``param`` set to ``value`` (or removed when it is active)."""
    params = context["request"].GET.copy()
    params.pop("seite", None)
    if active:
        params.pop(param, None)
    else:
        params[param] = value
    return params.urlencode()
