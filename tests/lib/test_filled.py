"""clinic/lib/filled.py: rendered once, filled per call, in one pass."""

import pytest

from clinic.lib.filled import Filled


def test_rendered_once_and_filled_in_one_pass():
    renders = []

    def render(markers):
        renders.append(markers)
        return f"<p title='{markers['title']}'>{markers['body']}</p>"

    part = Filled(render, {"title": Filled.marker("title"), "body": Filled.marker("body")})
    # A value holding another marker is not filled in again.
    assert part.fill(title="A", body=str(Filled.marker("title"))) == (
        f"<p title='A'>{Filled.marker('title')}</p>"
    )
    assert part.fill(title="B", body="text") == "<p title='B'>text</p>"
    assert len(renders) == 1


def test_no_markers_gives_the_html_as_rendered():
    assert Filled(lambda markers: "<p>closed</p>", {}).fill() == "<p>closed</p>"


def test_a_marker_lost_in_rendering_is_an_error():
    part = Filled(lambda markers: "<p>no marker</p>", {"title": Filled.marker("title")})
    with pytest.raises(ValueError, match="markers lost"):
        part.fill(title="A")
