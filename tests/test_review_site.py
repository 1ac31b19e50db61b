"""Review features in real builds: the public and internal editions, the dashboard and its CSV, reports, feeds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

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


def test_dashboard_csv_counts_published_items_per_period(
    branch_year: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANCHES_EDITION", "internal")
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
    assert list(rows(branch_year, "activity.csv")[0]) == [
        "branch",
        "period",
        "type",
        "count",
        "required",
        "met",
        "in_progress",
        "news",
        "records",
    ]
    (summary,) = rows(branch_year, "summary.csv")
    assert summary["branch"] == "jg1" and summary["unmet"] != "0"

    dashboard = branch_year.html("review/")
    assert 'data-month="2024-03" data-state="unmet"' in dashboard and 'data-state="open"' in dashboard
    assert "口号<b>" not in dashboard
    detail = branch_year.html("review/branches/jg1/")
    assert 'data-period="2024-03"' in detail and "未达标" in detail and "进行中" in detail
    report = branch_year.html("review/reports/jg1/")
    assert "品牌建设报告" in report and "branches-review.css" in report  # with print.css's A4 page


def html_pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def test_the_public_edition_has_nothing_of_review_and_the_internal_one_says_what_it_is(
    branch_year: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert branch_year.build().returncode == 0
    site = branch_year.root / "site"
    assert not (site / "review").exists()  # no dashboard, reports, spreadsheets or queue
    for name, page in html_pages(site).items():
        assert "内部审阅版" not in page and 'name="robots"' not in page, name
        assert "review/" not in page and "组织生活看板" not in page, name  # no link to any of it
        assert "三月草稿" not in page and "三月未审" not in page, name
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

    monkeypatch.setenv("BRANCHES_PREVIEW", "1")  # the older name of the internal edition
    assert branch_year.build().returncode == 0
    pages = html_pages(site)
    assert "review/index.html" in pages and "review/branches/jg1/index.html" in pages
    for name, page in pages.items():
        if name != "404.html":  # MkDocs' 404 page has no announcement bar
            assert "内部审阅版，请勿对外发布" in page, name
        assert '<meta name="robots" content="noindex">' in page, name
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
def test_browser_finds_an_unmet_month_on_the_dashboard(
    branch_year: SiteProject, browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANCHES_EDITION", "internal")
    assert branch_year.build().returncode == 0
    with serve_under_sub_path(branch_year.root / "site") as url:
        page = browser.new_page()
        requests = RequestLog()
        requests.attach(page)
        page.goto(url)
        page.get_by_role("link", name=re.compile("组织生活")).first.click()
        page.wait_for_load_state()
        row = page.locator('table.bb-heat tr[data-branch="jg1"]')
        states = row.locator("td[data-month]").evaluate_all("cells => cells.map(c => c.dataset.state)")
        assert states == ["unmet", "unmet", "unmet", "unmet", "open", *["future"] * 7]  # no 党小组会
        march = row.locator('td[data-month="2024-03"]')
        # a mark and a number, not colour alone
        assert (march.locator(".bb-heat__mark").inner_text(), march.locator(".bb-heat__n").inner_text()) == (
            "✗",
            "1",
        )
        assert "支委会未达标" in march.text_content()  # said to screen readers
        row.get_by_role("link", name="红色引擎").click()
        page.wait_for_load_state()
        assert page.url.endswith("/review/branches/jg1/")
        cell = page.locator('.bb-unmet[data-period="2024-03"]').first
        assert cell.is_visible()
        assert "未达标" in cell.inner_text()
        assert requests.foreign() == []
        page.close()


def test_edition_from_the_environment_and_mkdocs_yml(
    branch_year: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANCHES_EDITION", "internal")
    assert branch_year.build().returncode == 0
    assert (branch_year.root / "site/review/activity.csv").is_file()
    monkeypatch.setenv("BRANCHES_EDITION", "intrenal")
    result = branch_year.build()
    assert result.returncode != 0
    assert "BRANCHES_EDITION 的值“intrenal”不对" in result.stderr and "Traceback" not in result.stderr
    monkeypatch.delenv("BRANCHES_EDITION")
    config = branch_year.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      edition: internal\n", encoding="utf-8")
    assert branch_year.build().returncode == 0
    assert (branch_year.root / "site/review/pending/index.html").is_file()
    monkeypatch.setenv("BRANCHES_EDITION", "public")  # the environment wins over mkdocs.yml
    assert branch_year.build().returncode == 0
    assert not (branch_year.root / "site/review").exists()


def test_a_public_dashboard_when_the_college_wants_one(branch_year: SiteProject) -> None:
    config = branch_year.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      public_dashboard: true\n", encoding="utf-8")
    assert branch_year.build().returncode == 0
    site = branch_year.root / "site"
    assert sorted(p.relative_to(site).as_posix() for p in (site / "review").rglob("*")) == [
        "review/index.html"
    ]
    dashboard = branch_year.html("review/")
    assert 'data-month="2024-03" data-state="unmet"' in dashboard
    assert 'href="../branches/jg1/"' in dashboard  # rows lead to the brand page: details are internal
    assert "activity.csv" not in dashboard and "reports/" not in dashboard and "内部审阅版" not in dashboard


def test_nav_entries_of_the_other_edition_are_left_out(branch_year: SiteProject) -> None:
    config = branch_year.root / "mkdocs.yml"
    nav = "nav:\n  - 首页: index.md\n  - 新闻: news/index.md\n  - 审阅:\n    - 看板: review/index.md\n    - 待审核: review/pending.md\n"
    config.write_text(nav + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = branch_year.build()
    assert result.returncode == 0, result.stderr
    assert "review/" not in result.stderr  # MkDocs names nav entries it cannot find
    assert "review/" not in branch_year.html("news/") and "审阅" not in branch_year.html("news/")
