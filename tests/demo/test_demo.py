import re

import pytest

from geomlearn.demo import Showcase, ShowcaseResult, registered_showcases, run_showcases
from geomlearn.demo import showcase as register
from geomlearn.demo.__main__ import main
from geomlearn.demo._runner import format_table, write_report


def _ok(plot):
    figures = []
    if plot:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        figures.append(fig)
    return ShowcaseResult(
        quality_name="score", quality=0.5, figures=figures, details="a <b>test</b>"
    )


def _broken(plot):
    raise RuntimeError("boom")


def _needs_extra(plot):
    from geomlearn.utils import import_optional

    import_optional("surely_not_installed_xyz", extra="torch", caller="test")


def test_a_missing_extra_skips_the_showcase():
    records = run_showcases(
        [Showcase("extra", "demo", "extra", "none", _needs_extra)],
        plot=False,
        verbose=False,
    )
    assert records[0].skipped
    assert not records[0].error
    assert "skipped" in format_table(records)


FAKE = [
    Showcase("fake_ok", "demo", "straight line", "none", _ok),
    Showcase("fake_broken", "demo", "broken", "none", _broken),
]


def test_failures_are_recorded_and_the_tour_goes_on(tmp_path):
    records = run_showcases(FAKE, plot=True, verbose=False)
    assert [r.ok for r in records] == [True, False]
    assert "RuntimeError: boom" in records[1].error
    table = format_table(records)
    assert "score = 0.5" in table
    assert "FAILED: RuntimeError: boom" in table
    index = write_report(records, tmp_path / "out")
    page = index.read_text()
    assert "fake_ok_0.png" in page
    assert (tmp_path / "out" / "fake_ok_0.png").stat().st_size
    assert "a &lt;b&gt;test&lt;/b&gt;" in page  # escaped
    assert "RuntimeError: boom" in page


def test_only_filters_by_name_area_or_method():
    records = run_showcases(FAKE, only=["*line*"], plot=False, verbose=False)
    assert [r.showcase.name for r in records] == ["fake_ok"]


def test_duplicate_names_from_other_modules_are_rejected():
    def kmeans_digits_baseline(plot):  # same name as a shipped showcase
        return None

    registered_showcases()
    with pytest.raises(ValueError, match="registered twice"):
        register(area="x", method="y", data="z")(kmeans_digits_baseline)


def test_shipped_showcases_run_from_the_command_line(tmp_path, capsys):
    assert registered_showcases(), "at least one showcase is registered"
    status = main(["--output", str(tmp_path), "--no-plots"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"area\s+method\s+data\s+quality\s+seconds", out)
    assert (tmp_path / "index.html").exists()


def test_list_and_no_match(capsys):
    assert main(["--list"]) == 0
    assert "kmeans_digits_baseline" in capsys.readouterr().out
    assert main(["--only", "no-such-showcase", "--no-plots", "--output", "/tmp/x"]) == 1
