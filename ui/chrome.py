"""Chrome shared by every page: language, the store, cached data, the demo-data banner."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
from branca.element import Element
from streamlit_folium import st_folium

from analytics.config import RiskConfig, parse_config
from analytics.engine import LayerMemo, RiskResult, score_county
from geodata.config import CONFIG_DIR, MAP_CONFIG, read_toml
from geodata.errors import RiskMapError
from geodata.files import upload_path
from geodata.results import LoadedTables, reference_time
from geodata.schema import ENTITY_TABLES, Lang
from geodata.store import WRITTEN_PREFIX, Store, default_db_path
from geodata.workflow import Identity
from maps.compose import BaseLayers, Caption, base_for_display
from maps.layers import township_totals
from maps.tiles import TileSettings, for_display
from ui.i18n import t

LANG_KEY = "lang"
MEETING_KEY = "meeting"
WHO_NAME_KEY = "who_name"
WHO_DEPT_KEY = "who_department"
MEETING_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stToolbar"],
[data-testid="stSidebarCollapsedControl"], footer { display: none !important; }
.block-container { padding: 0.8rem 1.2rem !important; max-width: 100% !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
</style>
"""


def current_lang() -> Lang:
    """Return the language chosen in the sidebar (Chinese by default)."""
    return "en" if st.session_state.get(LANG_KEY) == "English" else "zh"


def tr(key: str, **values: object) -> str:
    """Return the text for ``key`` in the current language."""
    return t(key, current_lang(), **values)


def sidebar() -> Lang:
    """Draw the shared sidebar (language, meeting mode, data set) and return the language."""
    st.sidebar.radio(t("language", "zh"), ["中文", "English"], key=LANG_KEY, horizontal=True)
    st.sidebar.toggle(tr("meeting_mode"), key=MEETING_KEY,
                      value=st.query_params.get("mode") == "meeting")
    with st.sidebar.expander(tr("identity"), expanded=not identity().name):
        st.text_input(tr("identity.name"), key=WHO_NAME_KEY)
        st.text_input(tr("identity.department"), key=WHO_DEPT_KEY)
    store = open_store()
    if store is not None:
        st.sidebar.caption(f"{tr('database')}: `{store.path}`")
    if meeting_mode():
        st.markdown(MEETING_CSS, unsafe_allow_html=True)
    return current_lang()


@contextmanager
def saved_upload(upload: Any, types: Collection[str]) -> Iterator[Path]:
    """Yield the path of an uploaded file kept in a temporary folder of its own.

    ``types`` are the uploader's (``csv``, ``xlsx``…). The name the browser sent is never a
    path: the file is ``upload<suffix>``, its suffix one of ``types``
    (``geodata.files.upload_path``; another raises ``RiskMapError``). The folder goes when
    the body ends.
    """
    with tempfile.TemporaryDirectory(prefix="riskmap-upload-") as tmp:
        path = upload_path(Path(tmp), upload.name, {f".{t}" for t in types})
        path.write_bytes(upload.getvalue())
        yield path


def upload_limit_caption() -> None:
    """Say under an uploader how big a file may be (``server.maxUploadSize``) and what then."""
    st.caption(tr("upload.limit", mb=st.get_option("server.maxUploadSize")))


def identity() -> Identity:
    """Return who is editing, as entered in the sidebar (recorded on every change)."""
    return Identity(str(st.session_state.get(WHO_NAME_KEY, "")).strip(),
                    str(st.session_state.get(WHO_DEPT_KEY, "")).strip())


def meeting_mode() -> bool:
    """Return whether the meeting (big-screen) mode is on: toggle or ``?mode=meeting``."""
    return bool(st.session_state.get(MEETING_KEY))


def cycle_seconds() -> int | None:
    """Return the auto-cycle period of the meeting mode (``?cycle=20``), if any."""
    value = st.query_params.get("cycle")
    return int(value) if value and value.isdigit() and int(value) >= 5 else None


@st.cache_resource
def _store(path: str) -> Store:
    return Store(path)


def open_store() -> Store | None:
    """Return the app's store, or None (after showing why) when it cannot be opened."""
    path = default_db_path()
    if not path.exists():
        st.error(tr("db_missing", path=path))
        return None
    try:
        store = _store(str(path))
    except RiskMapError as exc:
        st.error(str(exc))
        return None
    start_base_layers(store)
    return store


def data_version(store: Store) -> str:
    """Return a cheap signature of the stored data: every table's version and the metadata."""
    return table_version(store, *ENTITY_TABLES)


def table_version(store: Store, *names: str) -> str:
    """Return the signature of only the tables ``names`` (and the metadata that is not stamps).

    For what depends on a few tables: a ledger edit does not simplify the base map again.
    """
    meta = store.meta()
    versions = store.versions(meta)
    rest = {k: v for k, v in meta.items() if not k.startswith(WRITTEN_PREFIX)}
    return repr(([versions[n] for n in names], sorted(rest.items())))


@st.cache_resource(show_spinner=False)
def _loaded(path: str) -> LoadedTables:
    return LoadedTables()


@st.cache_resource(show_spinner=False, max_entries=2)
def _snapshot(path: str, version: str) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    del version  # part of the cache key only
    return _loaded(path).current(_store(path))


def _tables(path: str, version: str) -> dict[str, pd.DataFrame]:
    """Return every table, loaded once per data version and shared, not copied.

    Only the tables a write changed are read again. A copy per rerun of a province's tables
    costs seconds, so pages must not modify them (``tests/test_pages.py`` checks that none
    does).
    """
    return _snapshot(path, version)[0]


@st.cache_resource(show_spinner=False)
def _memo(path: str) -> LayerMemo:
    return LayerMemo()


@st.cache_resource
def risk_config() -> RiskConfig:
    """Return the risk engine's configuration (``config/risk.toml``), read once."""
    return parse_config(read_toml())


@st.cache_resource
def warning_settings() -> dict:
    """Return the geohazard warning configuration (``config/warning.toml``), read once."""
    return read_toml(CONFIG_DIR / "warning.toml")


@st.cache_resource(show_spinner=False, max_entries=4)
def _scores(path: str, version: str, as_of: pd.Timestamp) -> RiskResult:
    # Layers whose tables did not change since the last scoring are not worked out again.
    frames, versions = _snapshot(path, version)
    return score_county(frames, risk_config(), as_of=as_of, versions=versions,
                        memo=_memo(path))


def tables(store: Store) -> dict[str, pd.DataFrame]:
    """Return every entity table, cached until the data changes."""
    return _tables(str(store.path), data_version(store))


def as_of(store: Store) -> pd.Timestamp:
    """Return the date the data speaks for: the demo's own date, else today."""
    return reference_time(store, day=True)


def risk(store: Store) -> RiskResult:
    """Return the risk engine's result for the stored data, cached until it changes."""
    return _scores(str(store.path), data_version(store), as_of(store))


def demo_label(store: Store) -> str | None:
    """Return the demo notice for maps, or None for real data."""
    return tr("demo") if store.is_demo() else None


def demo_banner(store: Store) -> None:
    """Say plainly that the data is fictional demo data, when it is."""
    if store.is_demo():
        label = store.meta().get("dataset_label", "")
        st.warning(tr("demo_banner", label=label), icon="⚠️")


def caption(store: Store, title: str, source: str) -> Caption:
    """Return a map caption: title, data date, source and (for the demo) the notice."""
    lines = (tr("data_as_of", date=f"{as_of(store):%Y-%m-%d}"), tr("source", source=source))
    return Caption(title, lines, demo_label(store))


BASE_TABLES = ("townships", "rivers", "road_segments")


_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskmap-base")
"""Simplifies the base map while the page reads and scores the rest (GEOS frees the GIL)."""


def _simplified_base(loaded: LoadedTables, store: Store) -> BaseLayers:
    data = loaded.current(store, BASE_TABLES)[0]
    return base_for_display(*(data[name] for name in BASE_TABLES))


@st.cache_resource(show_spinner=False, max_entries=2)
def _base(path: str, version: str) -> Future[BaseLayers]:
    del version  # cache key only: the versions of BASE_TABLES
    return _BACKGROUND.submit(_simplified_base, _loaded(path), _store(path))


def start_base_layers(store: Store) -> None:
    """Start simplifying the base map in the background, if it is not done for this version.

    A province's 1,500 townships take seconds to simplify as a coverage; started when the
    store opens, that overlaps reading the tables and scoring instead of following them.
    """
    _base(str(store.path), table_version(store, *BASE_TABLES))


def base_layers(store: Store) -> BaseLayers:
    """Return the vector base map (townships, rivers, main roads), simplified once.

    Once per version of those tables: not again after, say, a ledger edit.
    """
    built = _base(str(store.path), table_version(store, *BASE_TABLES))
    if built.exception() is not None:
        _base.clear()  # a failed build is not kept: the next run tries again
    return built.result()


def show_map(m: object, key: str, *, height: int = 560,
             returned: list[str] | None = None, changing: object | None = None) -> dict:
    """Render a folium map; only the ``returned`` interactions come back to Python.

    ``changing`` is a feature group sent on its own (``feature_group_to_add``): when only it
    changes, the browser keeps the map and swaps that layer instead of rebuilding everything.
    """
    # render=False: st_folium renders the map itself once more anyway; rendering twice cost
    # a second full serialisation of every layer (same payload, measured).
    return st_folium(m, height=height, use_container_width=True, key=key, render=False,
                     returned_objects=returned or [], feature_group_to_add=changing) or {}


@st.cache_resource
def display_limits() -> dict[str, int]:
    """Return ``[display]`` of ``config/map.toml``: ``max_points`` and ``table_rows``."""
    limits = read_toml(MAP_CONFIG).get("display", {})
    return {"max_points": int(limits.get("max_points", 3000)),
            "table_rows": int(limits.get("table_rows", 5000))}


def too_many(n: int, message: str) -> bool:
    """Return whether ``n`` features are more than a map draws one by one.

    The limit is ``max_points`` of ``config/map.toml``; past it, ``message`` says so.
    """
    limit = display_limits()["max_points"]
    if n <= limit:
        return False
    st.caption(tr(message, n=n, limit=limit))
    return True


def points_or_totals(store: Store, points: gpd.GeoDataFrame,
                     build: Callable[[gpd.GeoDataFrame], Element], *, colour: str) -> Element:
    """Return ``build(points)``, or one circle per township when they are ``too_many``."""
    if not too_many(len(points), "map.totals"):
        return build(points)
    return township_totals(display(base_layers(store).towns), points["township_code"],
                           colour=colour, unit=tr("unit.points"))


def first_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return at most ``table_rows`` rows of ``frame`` for a table (said when cut)."""
    limit = display_limits()["table_rows"]
    if len(frame) <= limit:
        return frame
    st.caption(tr("table.first", shown=limit, total=len(frame)))
    return frame.head(limit)


@st.cache_resource
def tiles() -> TileSettings:
    """Return the tile settings of ``config/map.toml`` (no tiles by default)."""
    return TileSettings.from_config(read_toml(MAP_CONFIG).get("tiles", {}))


def display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a layer's features in the coordinates the configured tiles need."""
    return for_display(frame, tiles())


def start_page(title_key: str) -> Store | None:
    """Draw a page's title and demo notice; return the store (None if it cannot open)."""
    st.title(tr(title_key))
    store = open_store()
    if store is not None:
        demo_banner(store)
    return store
