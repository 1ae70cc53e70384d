"""Chrome shared by every page: language choice, the store, the demo-data banner."""

from __future__ import annotations

import streamlit as st

from geodata.errors import RiskMapError
from geodata.schema import Lang
from geodata.store import Store, default_db_path

LANG_KEY = "lang"


def text(zh: str, en: str, lang: Lang | None = None) -> str:
    """Return the Chinese or English text for the chosen language."""
    return en if (lang or current_lang()) == "en" else zh


def current_lang() -> Lang:
    """Return the language chosen in the sidebar (Chinese by default)."""
    return "en" if st.session_state.get(LANG_KEY) == "English" else "zh"


def sidebar() -> Lang:
    """Draw the shared sidebar (language switch, data set) and return the language."""
    st.sidebar.radio("语言 Language", ["中文", "English"], key=LANG_KEY, horizontal=True)
    lang = current_lang()
    store = open_store()
    if store is not None:
        st.sidebar.caption(text("数据库", "Database", lang) + f": `{store.path}`")
    return lang


@st.cache_resource
def _store(path: str) -> Store:
    return Store(path)


def open_store() -> Store | None:
    """Return the app's store, or None (after showing why) when it cannot be opened."""
    path = default_db_path()
    if not path.exists():
        st.error(text(f"数据库 {path} 不存在：请先运行 `make run` 或 `riskmap demo`。",
                      f"Database {path} does not exist: run `make run` or `riskmap demo`."))
        return None
    try:
        return _store(str(path))
    except RiskMapError as exc:
        st.error(str(exc))
        return None


def demo_banner(store: Store) -> None:
    """Say plainly that the data is fictional demo data, when it is."""
    if store.is_demo():
        label = store.meta().get("dataset_label", "")
        st.warning(text(f"演示数据：{label}。县名、乡镇、人员与数字均为虚构。",
                        f"Demo data: {label}. Names, places, people and numbers are "
                        "fictional."), icon="⚠️")
