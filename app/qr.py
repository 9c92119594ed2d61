"""QR codes drawn as inline SVG by segno: no image files, nothing fetched from another host."""

import io

import segno
from markupsafe import Markup


def qr_svg(url: str, title: str = "", scale: int = 6, scalable: bool = False) -> Markup:
    """An inline SVG QR code that opens ``url`` when scanned.

    ``scalable`` leaves out the fixed size and gives a viewBox instead, so that CSS may size the
    code to its box (the projector's, which follows the screen).
    """
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=scale,
        border=2,
        xmldecl=False,
        title=title or None,
        omitsize=scalable,
    )
    return Markup(buffer.getvalue().decode())
