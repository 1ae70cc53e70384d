"""Chrome shared by every page: language, the snapshot of each rerun, caches, demo notice.

Each page starts with ``start_page`` (or ``page_snapshot``), which takes the rerun's one
``Snapshot`` (``geodata.snapshot``); everything the page shows comes from it, and it is the
only cache key (``SNAPSHOT_KEY`` hashes it by ``Snapshot.key``).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
from branca.element import Element
from streamlit_folium import st_folium

from analytics.engine import LayerMemo, RiskResult, score_county
from analytics.kpi import KPI_TABLES, county_kpis
from domain.access import Account
from domain.errors import RiskMapError
from domain.loading import how_to_load, missing, next_to_load, purpose
from domain.schema import TABLES, Lang
from domain.settings import Settings
from domain.settings.maps import TileSettings
from geodata import audit
from geodata.config import load_settings
from geodata.derived import BASE_TABLES, base_key, figures_key, remembered, risk_key
from geodata.files import upload_path
from geodata.results import keep
from geodata.snapshot import LoadedTables, Snapshot
from geodata.store import Store, database
from maps.compose import BaseLayers, Caption, base_for_display, base_level_files, page_map
from maps.layers import tooltip_rows, township_totals
from maps.tiles import for_display
from ui import auth
from ui.assets import asset_urls, publish_levels
from ui.i18n import t
from ui.tables import heading, in_language, localise

LANG_KEY = "lang"
MEETING_KEY = "meeting"
SNAPSHOT_KEY = {Snapshot: lambda snap: snap.key}
"""``hash_funcs`` of every cache taking a snapshot: its key, not its contents."""
PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
.st-key-rm-figures [data-testid="stHorizontalBlock"] { display: grid;
  grid-template-columns: repeat(4, minmax(0, 1fr)); }
.st-key-rm-figures [data-testid="stColumn"] { width: auto !important; min-width: 0; }
@media (min-width: 1700px) {
  .st-key-rm-figures [data-testid="stHorizontalBlock"] {
    grid-template-columns: repeat(8, minmax(0, 1fr)); } }
</style>
"""
"""Every page: the title near the top (Streamlit leaves an empty band of 6rem above it);
the overview's eight figures in one row on a wide screen, two rows of four on a laptop
(eight in 900 px cut their labels)."""
MEETING_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stToolbar"],
[data-testid="stSidebarCollapsedControl"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.5rem 1rem 0 1rem !important;
  max-width: 100% !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; overflow: hidden; }
iframe[title="streamlit_folium.st_folium"] { height: calc(100vh - 7.6rem) !important; }
.rm-head { font-size: 1.4rem; line-height: 2.2rem; height: 2.5rem; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.rm-head .rm-demo { color: #b00020; font-weight: 700; }
[data-testid="stMetric"] { padding: 0.1rem 0 !important; }
[data-testid="stMetricValue"] { font-size: 2.2rem !important; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
[data-testid="stMetricDelta"] { font-size: 0.9rem !important; }
.rm-top { font-size: 1.05rem; }
.rm-top-title { font-weight: 700; margin: 0.3rem 0; }
.rm-top table { border-collapse: collapse; width: 100%; }
.rm-top td { padding: 0.15rem 0.3rem; border: none; }
.rm-ready { font-size: 1.05rem; line-height: 1.35; display: -webkit-box;
  -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.rm-chip { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em;
  border: 1px solid #555; }
[data-testid="stVerticalBlock"] { gap: 0.4rem; }
@media (max-height: 820px) {
  html, body, [data-testid="stAppViewContainer"] { font-size: 17px; }
  [data-testid="stMetricValue"] { font-size: 1.7rem !important; }
  .rm-top tr:nth-child(n+4) { display: none; }
  .rm-ready { font-size: 0.85rem; }
}
</style>
"""


def chinese_css(limit_mb: int) -> str:
    """Return the style writing Streamlit's own English texts in Chinese.

    The file uploader's "Upload" and "200MB per file" are hidden and the Chinese drawn
    instead; so is the skip link shown to keyboard users ("Skip to main content"), whose
    English stays in the page, invisible and unread.
    """
    button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'
    notes = '[data-testid="stFileUploaderDropzoneInstructions"] > div'
    skip = '[data-testid="stSkipToContent"]'
    return (f"<style>{button} p, {notes} > span {{ display: none; }}"
            f'{button}::after {{ content: "{t("upload.button", "zh")}"; }}'
            f'{notes}::after {{ content: "{t("upload.each", "zh", mb=limit_mb)}"; }}'
            f"{skip} {{ visibility: hidden; font-size: 0; }}"
            f'{skip}::after {{ visibility: visible; font-size: 1rem; '
            f'content: "{t("skip_link", "zh")}"; }}</style>')


def current_lang() -> Lang:
    """Return the language chosen in the sidebar (Chinese by default)."""
    return "en" if st.session_state.get(LANG_KEY) == "English" else "zh"


def tr(key: str, **values: object) -> str:
    """Return the text for ``key`` in the current language."""
    return t(key, current_lang(), **values)


def text_of(prefix: str) -> Callable[[object], str]:
    """Return a ``format_func`` writing an option ``k`` as the text ``{prefix}{k}``.

    The language is fixed when the widget is drawn, not when the function is called.
    """
    lang = current_lang()
    return lambda key: t(f"{prefix}{key}", lang)


def table_name() -> Callable[[str], str]:
    """Return a ``format_func`` writing a table's name as its label in the page's language."""
    lang = current_lang()
    return lambda name: TABLES[name].label(lang)


def language_switch() -> Lang:
    """Draw the language switch (also on the sign-in page) and the page styles."""
    if LANG_KEY not in st.session_state and st.query_params.get("lang") == "en":
        st.session_state[LANG_KEY] = "English"  # ?lang=en: a screen that opens in English
    st.sidebar.radio(t("language", "zh"), ["中文", "English"], key=LANG_KEY, horizontal=True)
    return current_lang()


def signed_in() -> Account | None:
    """Draw the sign-in page unless an account is signed in; return the account.

    None when there is none (the page then shows nothing else) or no database.
    """
    db = database()
    if not db.exists():
        st.error(tr("db_missing", path=db))
        return None
    try:
        return auth.gate(_store(db.text), settings().security, tr)
    except RiskMapError as exc:
        st.error(str(exc))
        return None


def session_account() -> Account | None:
    """Return the account signed in to this session (read again), without drawing anything.

    None when signed out or without a database.
    """
    db = database()
    if not db.exists():
        return None
    try:
        return auth.session(_store(db.text), settings().security)
    except RiskMapError:
        return None


def account() -> Account:
    """Return the signed-in account (pages run only once one is: ``signed_in``)."""
    found = auth.current(settings().security)
    if found is None:
        raise RiskMapError(tr("auth.needed"))
    return found


def audited(build: Callable[[], bytes | str], what: str) -> Callable[[], bytes | str]:
    """Wrap a download's content so that the click is audited (who, what, from where).

    Streamlit calls a download button's callable only when it is clicked, outside the
    session's script run: who, where and the store are taken now, when the button is drawn.
    """
    who, address, store = account().user_name, auth.client_address(), \
        _store(database().text)

    def content() -> bytes | str:
        audit.record(store, who, "download", what, address=address)
        return build()
    return content


def _sign_out() -> None:
    """The sign-out button's callback (the store is opened only then: it exists by then)."""
    auth.sign_out(_store(database().text))


def sidebar(who: Account) -> Lang:
    """Draw the rest of the sidebar (meeting mode, account, database); return the language.

    The language switch is drawn before it (``language_switch``), on the sign-in page too.
    """
    st.sidebar.toggle(tr("meeting_mode"), key=MEETING_KEY,
                      value=st.query_params.get("mode") == "meeting")
    st.sidebar.caption(tr("auth.as", name=who.display_name or who.user_name,
                          role=who.role_label(current_lang())))
    st.sidebar.button(tr("auth.sign_out"), on_click=_sign_out, key="sign_out")
    st.sidebar.caption(f"{tr('database')}: `{database().name}`")
    # Styles go in the sidebar: they apply to the whole page, and take no room in the main
    # column (each element there adds a gap above the title).
    st.sidebar.markdown(PAGE_CSS, unsafe_allow_html=True)
    if current_lang() == "zh":
        st.sidebar.markdown(chinese_css(st.get_option("server.maxUploadSize")),
                            unsafe_allow_html=True)
    if meeting_mode():
        st.sidebar.markdown(MEETING_CSS, unsafe_allow_html=True)
    return current_lang()


def leave_meeting() -> None:
    """Turn the meeting screen off (a button's callback: runs before the next rerun)."""
    st.session_state[MEETING_KEY] = False
    st.query_params.pop("mode", None)


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


def filter_pick(where: Any, label: str, options: Collection[Any], **kwargs: Any) -> list:
    """Draw a filter (a multiselect in ``where``) that reads "all" while nothing is picked.

    Streamlit's own "Select all" entry is left out: it is English, and picking nothing
    already means all.
    """
    return where.multiselect(label, options, placeholder=tr("filter.all"), select_all=False,
                             **kwargs)


def upload_limit_caption() -> None:
    """Say under an uploader how big a file may be (``server.maxUploadSize``) and what then."""
    st.caption(tr("upload.limit", mb=st.get_option("server.maxUploadSize")))


def meeting_mode() -> bool:
    """Return whether the meeting (big-screen) mode is on: toggle or ``?mode=meeting``."""
    return bool(st.session_state.get(MEETING_KEY))


def cycle_seconds() -> int | None:
    """Return the auto-cycle period of the meeting mode (``?cycle=20``), if any."""
    value = st.query_params.get("cycle")
    return int(value) if value and value.isdigit() and int(value) >= 5 else None


# --- the snapshot of a rerun -------------------------------------------------------------


@st.cache_resource
def settings() -> Settings:
    """Return every configuration file of ``config/``, read and checked once."""
    return load_settings()


@st.cache_resource
def _store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner=False)
def _loaded(path: str) -> LoadedTables:
    """The tables of one database as last read, shared by every session."""
    return LoadedTables()


@st.cache_resource(show_spinner=False)
def _memo(path: str) -> LayerMemo:
    """Each scoring layer of one database as last worked out."""
    return LayerMemo()


def page_snapshot() -> Snapshot | None:
    """Return this rerun's snapshot, or None (after saying why) when there is no database.

    Signed out, the sign-in form is drawn instead and None returned: no page reads data
    before an account is signed in.
    """
    if signed_in() is None:
        return None
    db = database()
    if not db.exists():
        st.error(tr("db_missing", path=db))
        return None
    try:
        snap = Snapshot.take(_store(db.text), settings(), loaded=_loaded(db.text))
    except RiskMapError as exc:
        st.error(str(exc))
        return None
    start_base_layers(snap)
    return snap


def start_page(title_key: str, *, guide: bool = True) -> Snapshot | None:
    """Draw a page's title and demo notice; return the rerun's snapshot.

    None when there is no database, or (``guide``) no township yet: the page then shows the
    开始使用 guide instead of itself.
    """
    if signed_in() is None:  # the sign-in form instead of the page
        return None
    st.title(tr(title_key))
    snap = page_snapshot()
    if snap is None:
        return None
    header_line(snap)
    demo_banner(snap)
    if guide and not snap.counts().get("townships"):
        getting_started(snap)
        return None
    if guide:
        with st.spinner(tr("loading.read")):  # a large database takes seconds the first time
            snap.tables()
    return snap


UNDATED = frozenset({"townships", "rivers"})
"""Tables without a date of their own: borders and rivers do not make data "as of" a day."""


def as_of_text(snap: Snapshot) -> str:
    """Return "数据截至 <day>", or "尚无数据" while only undated tables (borders) are loaded.

    A database of borders only is not data as of today; every header, caption and the
    meeting screen say it the same way.
    """
    dated = any(n for table, n in snap.counts().items() if table not in UNDATED)
    return tr("data_as_of", date=f"{snap.as_of:%Y-%m-%d}") if dated else tr("no_data_yet")


def header_line(snap: Snapshot) -> None:
    """Say under a page's title which county this is and how recent its data is."""
    county = snap.label(current_lang())
    date = as_of_text(snap)
    st.caption(f"{county} · {date}" if county else date)


def getting_started(snap: Snapshot) -> None:
    """The 开始使用 guide: what is loaded, what to load next and how, in a useful order."""
    counts, lang = snap.counts(), current_lang()
    st.header(tr("start.title"))
    st.write(tr("start.empty" if not counts.get("townships") else "start.partial",
                loaded=sum(1 for n in counts.values() if n), total=len(counts)))
    for table in next_to_load(counts):
        stop = "。" if lang == "zh" else ". "
        st.markdown(f"- **{TABLES[table].label(lang)}** — {purpose(table, lang)}{stop}"
                    f"{how_to_load(table, lang)}")
    st.caption(tr("start.commands"))


def need_or_base_map(snap: Snapshot, table: str, title_key: str, source_key: str) -> bool:
    """Return whether ``table`` holds rows; else say how to load it and draw the townships.

    The page still shows its county, with nothing painted as low.
    """
    if need(snap, table):
        return True
    show_map(page_map(base_layers(snap), asset_urls(), caption(snap, tr(title_key),
                                                               tr(source_key)), tiles=tiles()),
             f"{title_key}-base-map")
    return False


def need(snap: Snapshot, *tables: str) -> bool:
    """Say which of ``tables`` hold nothing yet and how to load them; return whether all do."""
    lang = current_lang()
    absent = missing(snap.counts(), tables)
    for table in absent:
        st.info(tr("needs", table=TABLES[table].label(lang), purpose=purpose(table, lang),
                   how=how_to_load(table, lang)), icon=":material/info:")
    return not absent


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=SNAPSHOT_KEY)
def _risk(snap: Snapshot) -> RiskResult:
    """The engine's result, as kept in the database (``geodata.derived``).

    Kept by whichever server or command worked it out first; else worked out here (layers
    unchanged since the last run reused) and kept.
    """
    def make() -> RiskResult:
        return score_county(snap.tables(), snap.settings.risk, as_of=snap.as_of,
                            versions=snap.versions, memo=_memo(snap.store.db.text))
    result = remembered(snap.store, "risk", risk_key(snap), make, RiskResult.parts,
                        RiskResult.from_parts)
    _keep(snap, result)
    return result


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=SNAPSHOT_KEY)
def _figures(snap: Snapshot) -> dict[str, float]:
    """The headline figures, kept in the database (``geodata.derived``) as the result is."""
    return remembered(snap.store, "figures", figures_key(snap, KPI_TABLES),
                      lambda: county_kpis(snap.tables(), snap.as_of),
                      lambda figures: {"figures": pd.DataFrame([figures])},
                      lambda parts: parts["figures"].to_dict("records")[0])


def headline_figures(snap: Snapshot) -> dict[str, float]:
    """Return the overview's headline figures (``analytics.kpi``).

    Once per version of the tables they count and as-of day: a restarted server reads
    them, not the ledger.
    """
    return _figures(snap.only(*KPI_TABLES))


def _keep(snap: Snapshot, result: RiskResult) -> None:
    """Keep the scoring of a new data version (the overview compares with kept ones).

    Once per version and configuration (``geodata.results.keep_once``). A database the app
    cannot write (opened read-only, busy) keeps nothing; the page goes on, the log says so.
    """
    try:
        keep(snap.store, result, as_of=snap.as_of, data_version=snap.data_version)
    except RiskMapError as exc:
        logging.getLogger(__name__).warning("scoring not kept: %s", exc)


def risk(snap: Snapshot) -> RiskResult:
    """Return the risk engine's result for the snapshot (layers unchanged are reused).

    A message says so while it is computed (a province takes seconds).
    """
    with st.spinner(tr("loading.score")):
        return _risk(snap)


def demo_label(snap: Snapshot) -> str | None:
    """Return the demo notice for maps, or None for real data."""
    return tr("demo") if snap.demo else None


def demo_banner(snap: Snapshot) -> None:
    """Say plainly that the data is fictional demo data, when it is."""
    if snap.demo:
        st.warning(tr("demo_banner", label=snap.label(current_lang())), icon=":material/warning:")


def caption(snap: Snapshot, title: str, source: str) -> Caption:
    """Return a map caption: title, data date, source and (for the demo) the notice."""
    lines = (as_of_text(snap), tr("source", source=source))
    return Caption(title, lines, demo_label(snap))


# --- the base map, simplified in the background ------------------------------------------


@st.cache_resource(show_spinner=False)
def _pool() -> ThreadPoolExecutor:
    """Simplifies the base map while the page reads and scores the rest (GEOS frees the GIL)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskmap-base")


def _simplified_base(snap: Snapshot) -> BaseLayers:
    """The base map as kept in the database for its tables' versions, else simplified.

    A province's takes seconds to simplify, a fraction of one to read (``geodata.derived``).
    """
    def make() -> BaseLayers:
        data = snap.tables(BASE_TABLES)
        return base_for_display(*(data[name] for name in BASE_TABLES),
                                settings().maps.coverage)
    return remembered(snap.store, "base", base_key(snap), make,
                      BaseLayers.parts, BaseLayers.from_parts)


@st.cache_resource(show_spinner=False, max_entries=2, hash_funcs=SNAPSHOT_KEY)
def _base(snap: Snapshot) -> Future[BaseLayers]:
    return _pool().submit(_simplified_base, snap)


@st.cache_resource(show_spinner=False)
def _level_pool() -> ThreadPoolExecutor:
    """Builds the base map's finer levels of detail, apart from the base: it takes longer."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskmap-levels")


@st.cache_resource(show_spinner=False, max_entries=2, hash_funcs=SNAPSHOT_KEY)
def _levels(snap: Snapshot) -> Future[int]:
    """Build and serve the base map's finer levels, once per version of its tables.

    Until they are there, the maps draw level 0 and ask again as the user zooms.
    """
    def build() -> int:
        data = snap.tables(BASE_TABLES)
        return publish_levels(base_level_files(*(data[name] for name in BASE_TABLES),
                                               settings().maps.coverage))
    return _level_pool().submit(build)


def start_base_layers(snap: Snapshot) -> None:
    """Start simplifying the base map in the background, if it is not done for its tables.

    A province's 1,500 townships take seconds to simplify as a coverage; started when the
    snapshot is taken, that overlaps reading the tables and scoring instead of following them.
    """
    _base(snap.only(*BASE_TABLES))


def base_layers(snap: Snapshot) -> BaseLayers:
    """Return the vector base map (townships, rivers, main roads), simplified once.

    Once per version of those tables: not again after, say, a ledger edit.
    """
    built = _base(snap.only(*BASE_TABLES))
    if built.exception() is not None:
        _base.clear()  # a failed build is not kept: the next run tries again
    base = built.result()
    levels = _levels(snap.only(*BASE_TABLES))
    if levels.done() and levels.exception() is not None:
        logging.getLogger(__name__).warning("levels of detail not built: %s",
                                            levels.exception())
        _levels.clear()
    return base


# --- drawing -----------------------------------------------------------------------------


def show_map(m: object, key: str, *, height: int = 560,
             returned: list[str] | None = None) -> dict:
    """Render a folium map; only the ``returned`` interactions come back to Python.

    The map is built for this run. (Sending a changing layer on its own with st_folium's
    ``feature_group_to_add`` lost the map after a filter change or in a second session:
    ``geo_json_… is not defined``; tests/test_browser.py checks both.)
    """
    # render=False: st_folium renders the map itself once more anyway; rendering twice cost
    # a second full serialisation of every layer (same payload, measured).
    return st_folium(m, height=height, use_container_width=True, key=key, render=False,
                     returned_objects=returned or []) or {}


def show_table(frame: pd.DataFrame, *, names: Mapping[str, str] | None = None,
               headings: Mapping[str, str] | None = None, **options: Any) -> Any:
    """Show a table in the page's language (``ui.tables.localise``) with ``st.dataframe``."""
    if frame.empty and "on_select" not in options:
        st.caption(tr("table.empty"))  # not Streamlit's "empty"
        return None
    return st.dataframe(localise(frame, current_lang(), names=names, headings=headings),
                        **options)


def last_pick(memory: str, rows: list[int], row_value: Callable[[int], str],
              click: str | None) -> str | None:
    """Return what was picked last: a table row or a map click, whichever changed this rerun.

    ``memory`` keys what was seen before in the session; ``row_value`` turns a row position
    into the thing picked. Read before the map is drawn, so the map can show the pick.
    """
    seen = st.session_state.setdefault(memory, {"rows": [], "click": None, "pick": None})
    if rows != seen["rows"]:
        seen["pick"] = row_value(rows[0]) if rows else None
    elif click and click != seen["click"]:
        seen["pick"] = click
    seen["rows"], seen["click"] = rows, click or seen["click"]
    return seen["pick"]


def tips(frame: pd.DataFrame, columns: Collection[str], *,
         names: Mapping[str, str] | None = None,
         headings: Mapping[str, str] | None = None) -> pd.Series:
    """Return one escaped tooltip per row: ``columns`` in the page's language (``ui.tables``)."""
    if frame.empty:  # nothing to draw (an empty result may lack the columns)
        return pd.Series(dtype=str)
    lang = current_lang()
    shown = in_language(frame[list(columns)], lang, names)
    return tooltip_rows(shown, {c: heading(c, lang, headings) for c in columns})


def too_many(n: int, message: str) -> bool:
    """Return whether ``n`` features are more than a map draws one by one.

    The limit is ``max_points`` of ``config/map.toml``; past it, ``message`` says so.
    """
    limit = settings().maps.max_points
    if n <= limit:
        return False
    st.caption(tr(message, n=n, limit=limit))
    return True


def points_or_totals(snap: Snapshot, points: gpd.GeoDataFrame,
                     build: Callable[[gpd.GeoDataFrame], Element], *, colour: str) -> Element:
    """Return ``build(points)``, or one circle per township when they are ``too_many``."""
    if not too_many(len(points), "map.totals"):
        return build(points)
    return township_totals(display(base_layers(snap).towns), points["township_code"],
                           colour=colour, unit=tr("unit.points"))


def first_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return at most ``table_rows`` rows of ``frame`` for a table (said when cut)."""
    limit = settings().maps.table_rows
    if len(frame) <= limit:
        return frame
    st.caption(tr("table.first", shown=limit, total=len(frame)))
    return frame.head(limit)


def tiles() -> TileSettings:
    """Return the tile layer of ``config/map.toml`` (none by default)."""
    return settings().maps.tiles


def display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a layer's features in the coordinates the configured tiles need."""
    return for_display(frame, tiles())
