"""The chart as a picture of a chosen size, drawn by the same plot as the screen."""

from __future__ import annotations

from datetime import UTC

import numpy as np
import pytest
from PySide6.QtGui import QImage

from ketamonitor.core.phases import Phase
from ketamonitor.export.chart_image import course_image, save_png, session_chart_image
from tests.core.builders import ChartBuilder


def pixels(image: QImage) -> np.ndarray:
    """Height x width x 4 bytes (B, G, R, A)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    raw = np.frombuffer(image.constBits(), dtype=np.uint8)
    return raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()]


def inked(image: QImage) -> tuple[int, int]:
    """The rightmost column and the lowest row with anything drawn."""
    drawn = (pixels(image)[:, :, :3] < 200).any(axis=2)
    columns, rows = np.nonzero(drawn.any(axis=0))[0], np.nonzero(drawn.any(axis=1))[0]
    return int(columns.max()), int(rows.max())


@pytest.fixture
def chart():
    return (ChartBuilder().phase(Phase.OBSERVATION, dose_at=10, end_at=50)
            .reading(5, 124, 80, heart_rate=76, spo2=98, respiratory_rate=14)
            .reading(30, 186, 112, heart_rate=90, spo2=97, respiratory_rate=15)
            .reading(60, 130, 82, heart_rate=74, spo2=98, respiratory_rate=14).build())


@pytest.mark.parametrize("size", [(900, 560), (1600, 1000)])
def test_the_session_chart_fills_the_size_asked_for(qapp, chart, size):
    image = session_chart_image(chart, UTC, size=size)
    assert (image.width(), image.height()) == size
    right, bottom = inked(image)
    # laid out at this size, not at a never-shown widget's default one
    assert right > size[0] * 0.95 and bottom > size[1] * 0.95
    bgr = pixels(image)[:, :, :3].reshape(-1, 3)
    systolic_blue = (bgr == (0xad, 0x5c, 0x0b)).all(axis=1).sum()
    assert systolic_blue > 100  # the BP drawn in its colour


def test_the_course_picture_and_the_file(qapp, chart, tmp_path):
    image = course_image([chart, chart], UTC, size=(1200, 700))
    assert (image.width(), image.height()) == (1200, 700)
    right, bottom = inked(image)
    assert right > 1200 * 0.95 and bottom > 700 * 0.9
    written = save_png(image, tmp_path / "course.png")
    assert QImage(str(written)).size() == image.size()
