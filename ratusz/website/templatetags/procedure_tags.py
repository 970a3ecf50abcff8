"""Tags for the procedure page: its schema.org GovernmentService."""

from django import template

from ratusz.website import procedures, seo

register = template.Library()


@register.simple_tag(takes_context=True)
def procedure_json_ld(context, page):
    request = context["request"]
    nonce = getattr(request, "csp_nonce", "")
    data = procedures.procedure_json_ld(page, request)
    return seo.json_ld_script(data, str(nonce))
