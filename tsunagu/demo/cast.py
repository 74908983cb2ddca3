"""The named demo cast: fixed usernames that tests, documentation and screenshots reuse.

The password and the TOTP secrets are public on purpose — they exist only in a database seeded by
``manage.py demo`` and are printed by ``make demo``. A production database never has them.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

DEMO_PASSWORD = "tsunagu-demo-2026"


@dataclass(frozen=True)
class CastMember:
    """One demo login: who they are and where they work."""

    username: str
    role: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    description: str
    is_staff_role: bool = True


CAST: list[CastMember] = [
    CastMember("principal", "principal", "桜井", "一郎", "さくらい", "いちろう", "さくら小学校 校長"),
    CastMember(
        "teacher", "homeroom_teacher", "青山", "はるか", "あおやま", "はるか", "さくら小学校 4年1組 学級担任"
    ),
    CastMember(
        "subject_teacher",
        "subject_teacher",
        "森川",
        "拓也",
        "もりかわ",
        "たくや",
        "みどり中学校 数学 教科担任",
    ),
    CastMember("nurse", "nurse", "白石", "恵子", "しらいし", "けいこ", "さくら小学校 養護教諭"),
    CastMember("office", "office", "江藤", "美穂", "えとう", "みほ", "さくら小学校 事務職員"),
    CastMember("board", "board", "大原", "誠", "おおはら", "まこと", "すずかけ区教育委員会 学務課"),
    CastMember("helpdesk", "helpdesk", "水野", "翔", "みずの", "しょう", "すずかけ区 ICTヘルプデスク"),
    CastMember(
        "outsider", "homeroom_teacher", "黒田", "俊", "くろだ", "しゅん", "かえで小学校 3年1組 学級担任"
    ),
    CastMember(
        "guardian",
        "guardian",
        "渡部",
        "由紀",
        "わたべ",
        "ゆき",
        "保護者（さくら小 4年1組と みどり中 2年に子どもがいる）",
        is_staff_role=False,
    ),
    CastMember(
        "student",
        "student",
        "渡部",
        "陽向",
        "わたべ",
        "ひなた",
        "さくら小学校 4年1組 児童",
        is_staff_role=False,
    ),
]

CAST_BY_USERNAME = {member.username: member for member in CAST}
STAFF_CAST = [m.username for m in CAST if m.is_staff_role]


def totp_secret_for(username: str) -> str:
    """The demo TOTP secret of a staff cast member: derived from the username, so it is the same on
    every machine and can be written in the README."""
    digest = hashlib.sha256(f"tsunagu-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def totp_now(username: str, *, offset: int = 0) -> str:
    """The 6-digit code an authenticator app would show now for ``username`` (tests and docs)."""
    return format_hotp_value(hotp_value(totp_secret_for(username), int(time.time()) // 30 + offset))
