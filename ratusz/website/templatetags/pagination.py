"""The page links of a paginated list (components/pagination.html)."""

from django import template
from django.utils.http import urlencode

register = template.Library()

PAGE_PARAM = "strona"


def page_url(path: str, query_string: str, number: int) -> str:
    """Return the URL of page `number`; page 1 is the bare list (one canonical URL)."""
    params = query_string.lstrip("?&")
    if number > 1:
        params = "&".join(p for p in (params, urlencode({PAGE_PARAM: number})) if p)
    return f"{path}?{params}" if params else path


@register.simple_tag(takes_context=True)
def page_links(context, page_obj, query_string=""):
    """Return the links a pagination nav shows: previous, numbers, next.

    Long ranges are elided around the current page ("1 … 4 5 6 … 20"), so the
    nav stays short on a phone.
    """
    request = context.get("request")
    path = request.path if request is not None else ""
    query_string = query_string or ""
    paginator = page_obj.paginator
    numbers = []
    for number in paginator.get_elided_page_range(
        page_obj.number, on_each_side=2, on_ends=1
    ):
        if number == paginator.ELLIPSIS:
            numbers.append({"ellipsis": True})
        else:
            numbers.append(
                {
                    "number": number,
                    "url": page_url(path, query_string, number),
                    "current": number == page_obj.number,
                }
            )
    return {
        "previous": page_url(path, query_string, page_obj.previous_page_number())
        if page_obj.has_previous()
        else None,
        "next": page_url(path, query_string, page_obj.next_page_number())
        if page_obj.has_next()
        else None,
        "numbers": numbers,
    }
