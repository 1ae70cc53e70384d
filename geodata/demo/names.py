"""Fictional Chinese names, places and phone numbers for the demo county."""

from __future__ import annotations

import numpy as np

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林龙潘石吴韦杨蒙"
GIVEN = "明华国建平德永志云海军春玉秀英兰芳红文光伟强勇林斌涛丽娟霞洪刚成福贵祥兴荣"
PLACE_HEADS = ("张家", "李家", "杨柳", "大坪", "小河", "岩头", "坡脚", "龙洞", "田坝", "老寨",
               "新田", "水井", "竹林", "石板", "干沟", "黄土", "青杠", "松树", "高枧", "凉水")
PLACE_TAILS = ("湾", "坡", "寨", "沟", "坝", "坪", "岭", "垭口", "组", "冲")
VILLAGE_TAILS = ("村", "村", "村", "社区")


def person(rng: np.random.Generator) -> str:
    """Return a fictional two- or three-character personal name."""
    given_len = 1 if rng.random() < 0.3 else 2
    given = "".join(rng.choice(list(GIVEN), size=given_len))
    return str(rng.choice(list(SURNAMES))) + given


def people(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` fictional personal names."""
    return [person(rng) for _ in range(n)]


def phone(rng: np.random.Generator) -> str:
    """Return a fictional 11-digit mobile number."""
    return "1" + str(rng.choice(["39", "51", "58", "77", "82", "87", "89"])) + "".join(
        str(d) for d in rng.integers(0, 10, 8))


def place(rng: np.random.Generator) -> str:
    """Return a fictional hamlet name such as 张家湾."""
    return str(rng.choice(PLACE_HEADS)) + str(rng.choice(PLACE_TAILS))


def village(rng: np.random.Generator) -> str:
    """Return a fictional village name such as 老寨村."""
    return str(rng.choice(PLACE_HEADS)) + str(rng.choice(VILLAGE_TAILS))
