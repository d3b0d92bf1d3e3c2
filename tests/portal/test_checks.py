"""Pure pieces: plausibility checks, diff, upload decoding, intake limits, page rendering."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import zipfile

import flask
import pandas as pd
import pytest

from etl.accounts.service import Account
from etl.errors import InputError
from etl.testing import tiny_bundle
from etl.uploads import plausibility as p
from etl.uploads.diff import table_diff
from etl.uploads.intake import check_archive, safe_name
from etl.uploads.records import Job
from etl.uploads.report import TableChange
from portal.decode import decode_upload
from portal.pages.review import publish_outcome
from portal.pages.upload import job_outcome


def population(counts: dict[tuple[str, int], int]) -> pd.DataFrame:
    return pd.DataFrame([{"sex": s, "age": a, "count": n} for (s, a), n in counts.items()])


def flat(per_age: int, heaped: int = 0) -> pd.DataFrame:
    return population(
        {
            (sex, age): per_age + (heaped if age % 5 == 0 else 0)
            for sex in ("female", "male")
            for age in range(101)
        }
    )


def test_whipple_index_flags_heaping_only():
    assert p.age_heaping(flat(20)).level == "ok"
    heaped = p.age_heaping(flat(20, heaped=30))
    assert heaped.level == "warning" and "Whipple-Index" in heaped.explanation
    assert p.age_heaping(flat(2)).level == "info"  # too few persons


def test_sex_ratio_outliers():
    assert p.sex_ratio(flat(50))[0].level == "ok"
    skewed = population(
        {
            (sex, age): (150 if sex == "male" and 20 <= age < 30 else 50)
            for sex in ("female", "male")
            for age in range(101)
        }
    )
    warnings = [c for c in p.sex_ratio(skewed) if c.level == "warning"]
    assert [c.check for c in warnings] == ["sex-20"]
    assert "300 Männer je 100 Frauen" in warnings[0].explanation


def test_change_against_previous_year():
    assert p.change_against_previous(flat(50), None, "")[0].level == "info"
    assert p.change_against_previous(flat(50), flat(49), "2023")[0].level == "ok"
    checks = p.change_against_previous(flat(50), flat(30), "zum Stichtag 2023-12-31")
    assert checks[0].level == "warning" and "+66,7 %" in checks[0].explanation


def test_households_inconsistent_with_persons():
    bundle = tiny_bundle("03901001", dt.date(2024, 12, 31), scale=30)
    persons = int(p.municipal_population(bundle.population)["count"].sum())
    assert p.households_against_persons(bundle, persons).level == "ok"
    assert p.households_against_persons(bundle, persons // 10).level == "warning"


def test_against_official_statistics():
    official = pd.DataFrame({"table_code": ["12411"], "sex": ["total"], "value": [1000]})
    assert p.against_official(1010, official, 2024).level == "ok"
    assert p.against_official(1100, official, 2024).level == "warning"
    assert p.against_official(1100, official.iloc[0:0], 2024).level == "info"


def test_table_diff():
    keys = {"area_level": "gemeinde", "area_key": "03901001"}
    old = pd.DataFrame([{**keys, "size": s, "count": n} for s, n in ((1, 10), (2, 5))])
    new = pd.DataFrame([{**keys, "size": s, "count": n} for s, n in ((1, 12), (3, 1))])
    diff = table_diff("households", new, old)
    assert (diff.added, diff.removed, diff.changed) == (1, 1, 1)
    assert (diff.total_old, diff.total_new) == (15, 13)
    assert diff.largest[0] == TableChange(cells={**keys, "size": 2}, old=5, new=0)
    assert diff.largest[0].to_json() == {**keys, "size": 2, "old": 5, "new": 0}


def test_decode_upload():
    payload = "data:text/csv;base64," + base64.b64encode(b"a;b\n1;2\n").decode()
    [item] = decode_upload(payload, "x.csv", 100)
    assert (item.name, item.data) == ("x.csv", b"a;b\n1;2\n")
    with pytest.raises(InputError, match="größer"):
        decode_upload(payload, "x.csv", 3)
    with pytest.raises(InputError, match="beschädigt"):
        decode_upload("data:text/csv;base64,@@@", "x.csv", 100)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\auszug.zip", "auszug.zip"),
        (".htaccess", "htaccess"),
        ("a b;c.csv", "a_b_c.csv"),
        ("", "upload"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("population.csv", b"0" * 5_000_000)
    with pytest.raises(InputError, match="ZIP-Bombe"):
        check_archive(buffer.getvalue(), "bombe.zip", 50_000_000)
    with pytest.raises(InputError, match="Entpackt"):
        check_archive(buffer.getvalue(), "bombe.zip", 1_000_000)


def test_job_rendering():
    started = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    running = Job(
        "j", "validate", "altdorf", "running", 40, "Plausibilität …", {}, None, started, None
    )
    shown, stop, hide = job_outcome(running)
    assert not stop and hide and "Plausibilität" in str(shown)
    refused = dataclasses.replace(
        running, state="done", result={"ok": False, "errors": [{"message": "Spalte fehlt"}]}
    )
    shown, stop, hide = job_outcome(refused)
    assert stop and hide and "Spalte fehlt" in str(shown)
    failed = dataclasses.replace(running, state="failed", message="Interner Fehler (Auftrag x)")
    shown, stop = publish_outcome(failed)
    assert stop and "Interner Fehler" in str(shown)


def test_render_page_refuses_pages_outside_the_role(settings, stores_for):
    from portal.app import render_page

    stores = stores_for(settings)
    uploader = Account(1, "altdorf", "uploader", ("03901001",), False, "1")
    server = flask.Flask("t")
    server.secret_key = "test"
    with server.test_request_context():
        _, content = render_page(stores, uploader, "/konten", "")
        assert "fehlt Ihrem Konto die Berechtigung" in str(content)
        _, content = render_page(stores, uploader, "/gibtsnicht", "")
        assert "gibt es nicht" in str(content)
