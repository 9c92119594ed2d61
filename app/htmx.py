"""The one place that decides between a full page and an htmx fragment."""

from flask import Response, make_response, render_template
from htmx_flask import request


def render(template: str, partial: str | None = None, **context) -> Response:
    """Render ``template``, or only ``partial`` when htmx asks for a fragment.

    A boosted request wants the whole page, so only a plain htmx request gets the partial.
    ``Vary: HX-Request`` keeps caches from serving one in place of the other.
    """
    wants_fragment = partial is not None and request.htmx and not request.htmx.boosted
    response = make_response(render_template(partial if wants_fragment else template, **context))
    response.vary.add("HX-Request")
    return response
