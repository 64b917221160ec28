"""Tests for crmlib.report.charts: how a chart is embedded."""

import base64
import io
import re

from matplotlib import pyplot as plt
from PIL import Image

from crmlib.report import charts


def embedded_png(html: str) -> Image.Image:
    [data] = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    return Image.open(io.BytesIO(base64.b64decode(data)))


def test_a_chart_is_as_many_pixels_wide_as_it_prints_opaque_and_closed():
    """The text column is 170 mm = 6.69 in; at 150 pixels per inch that is 1004 pixels, whatever the figure's
    own width (8 in, or the pie's 7.5 in)."""
    for width in (8, 7.5):
        fig, ax = plt.subplots(figsize=(width, 3))
        ax.plot([1, 2, 3])
        html = charts.to_html(fig, 'Grafik "A" <b>').data
        image = embedded_png(html)
        assert image.mode == "RGB"
        assert image.width == 1004
        assert abs(image.height - 3 * 1004 / width) < 1
        assert 'alt="Grafik &quot;A&quot; &lt;b&gt;"' in html
        assert not plt.fignum_exists(fig.number)
