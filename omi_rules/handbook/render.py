"""Render the methodology handbook: the whole ruleset as one HTML page or one Markdown file.

The work is split in two so the two formats can never say different things: ``build_view``
turns the ruleset into plain view objects (every condition already in words, every source
already resolved to its document title, every anchor already assigned), and the Jinja
templates (``templates/handbook.html.j2`` and ``handbook.md.j2``) only lay those out.

The HTML is one self-contained file (inline CSS, no scripts, no fetched assets) because
handbooks are mailed, archived and printed; a page that loads nothing also renders the same
in ten years' time.
"""

from __future__ import annotations

import re
from typing import Literal

import jinja2

from omi_rules.handbook.build import build_view, first_upper
from omi_rules.model import Ruleset

Format = Literal["html", "markdown"]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def markdown_text(value: object) -> str:
    """Text safe inside Markdown, including table cells: markup characters escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def markdown_code(value: object) -> str:
    """An inline code span (the condition as written), safe even if it contains backticks."""
    text = " ".join(str(value).split())
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("omi_rules", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["code"] = markdown_code
    env.filters["upper_first"] = first_upper
    return env


def render_handbook(model: Ruleset, fmt: Format) -> str:
    """The handbook of ``model`` as one HTML document or one Markdown document."""
    template = {"html": "handbook.html.j2", "markdown": "handbook.md.j2"}[fmt]
    return _environment().get_template(template).render(h=build_view(model))
