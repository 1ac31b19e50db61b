"""Review features in real builds: production vs preview, the dashboard and its CSV, reports, feeds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest

from browser import RequestLog, serve_under_sub_path
from conftest import SiteProject

BUILD_DAY = dt.datetime(2024, 5, 15, 12, tzinfo=dt.timezone.utc)


@pytest.fixture
def branch_year(project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> SiteProject:
    """jg1: 支委会 in Jan, twice in Feb, none in Mar, one in Apr; May is running. A draft in March."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILD_DAY.timestamp())))
    project.branch(
        "jg1", "name: 教工第一党支部\nbrand: 红色引擎\ntype: 教工\nslogan: 口号<b>", "## 特色做法\n\n做法。\n"
    )
    for name in ("2024-01-10-a", "2024-02-05-b", "2024-02-20-c", "2024-04-30-d"):
        project.item("jg1", f"{name}.md", f"title: 支委会{name}\ntype: 支委会\nreviewer: 王芳")
    project.item("jg1", "2024-03-31-e.md", "title: 季度末党员大会\ntype: 支部党员大会\nreviewer: 王芳")
    project.item("jg1", "2024-03-12-draft.md", "title: 三月草稿\ntype: 支委会\nreviewer: 王芳\nstatus: draft")
    project.item("jg1", "2024-03-13-noreview.md", "title: 三月未审\ntype: 支委会")
    return project


def rows(project: SiteProject, name: str) -> list[dict[str, str]]:
    data = (project.root / "site/review" / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # Excel opens UTF-8 with a BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_dashboard_csv_counts_published_items_per_period(branch_year: SiteProject) -> None:
    assert branch_year.build().returncode == 0
    monthly = {
        r["period"]: (r["count"], r["required"], r["met"])
        for r in rows(branch_year, "activity.csv")
        if r["branch"] == "jg1" and r["type"] == "支委会"
    }
    assert monthly == {
        "2024-01": ("1", "1", "true"),
        "2024-02": ("2", "1", "true"),
        "2024-03": ("0", "1", "false"),  # the draft and the unreviewed item do not count
        "2024-04": ("1", "1", "true"),
        "2024-05": ("0", "1", "false"),
    }
    quarterly = [r for r in rows(branch_year, "activity.csv") if r["type"] == "支部党员大会"]
    assert [(r["period"], r["count"], r["met"]) for r in quarterly] == [
        ("2024-Q1", "1", "true"),  # 31 March belongs to the first quarter
        ("2024-Q2", "0", "false"),
    ]
    assert list(rows(branch_year, "activity.csv")[0])[:6] == [
        "branch",
        "period",
        "type",
        "count",
        "required",
        "met",
    ]
    (summary,) = rows(branch_year, "summary.csv")
    assert summary["branch"] == "jg1" and summary["unmet"] != "0"

    dashboard = branch_year.html("review/")
    assert 'data-period="2024-03"' in dashboard and "未达标" in dashboard and "进行中" in dashboard
    assert "口号<b>" not in dashboard
    report = branch_year.html("review/reports/jg1/")
    assert "品牌建设报告" in report and "print.css" in report


def test_production_hides_the_queue_and_preview_marks_everything(
    branch_year: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert branch_year.build().returncode == 0
    site = branch_year.root / "site"
    assert not (site / "review/pending").exists()
    assert "预览版本" not in branch_year.html("")
    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == [
        "支委会2024-04-30-d",
        "季度末党员大会",
        "支委会2024-02-20-c",
        "支委会2024-02-05-b",
        "支委会2024-01-10-a",
    ]
    assert (site / "branches/jg1/feed.xml").is_file()
    assert 'type="application/atom+xml"' in branch_year.html("branches/jg1/")

    monkeypatch.setenv("BRANCHES_PREVIEW", "1")
    assert branch_year.build().returncode == 0
    assert "预览版本" in branch_year.html("")
    draft = branch_year.html("branches/jg1/news/2024-03-12-draft/")
    assert '<span class="bb-badge">草稿</span>' in draft
    assert '<span class="bb-badge">待审核</span>' in branch_year.html(
        "branches/jg1/news/2024-03-13-noreview/"
    )
    queue = branch_year.html("review/pending/")
    assert "三月草稿" in queue and "三月未审" in queue and "branches/jg1/news/2024-03-12-draft.md" in queue
    # a preview still judges only what production would publish
    march = next(
        r for r in rows(branch_year, "activity.csv") if r["period"] == "2024-03" and r["type"] == "支委会"
    )
    assert march["count"] == "0"


@pytest.mark.browser
def test_browser_finds_an_unmet_month_on_the_dashboard(branch_year: SiteProject, browser) -> None:
    assert branch_year.build().returncode == 0
    with serve_under_sub_path(branch_year.root / "site") as url:
        page = browser.new_page()
        requests = RequestLog()
        requests.attach(page)
        page.goto(url)
        page.get_by_role("link", name=re.compile("组织生活")).first.click()
        page.wait_for_load_state()
        cell = page.locator('.bb-unmet[data-period="2024-03"]').first
        assert cell.is_visible()
        assert "未达标" in cell.inner_text()
        assert requests.foreign() == []
        page.close()
