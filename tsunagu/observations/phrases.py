"""Quick phrases for いいところ, offered as chips under the note field (tap one instead of typing).

They are starting points a teacher edits or completes; what is saved is the text in the field.
"""

from __future__ import annotations

from tsunagu.observations.models import Tag

PHRASES: dict[str, list[str]] = {
    Tag.LEARNING: [
        "進んで発表した",
        "ていねいにノートを書いた",
        "最後まで集中して取り組んだ",
        "友だちに分かりやすく教えていた",
        "自分から質問して考えを深めた",
    ],
    Tag.LIFE: [
        "元気にあいさつした",
        "そうじを一生けんめいにした",
        "困っている友だちを助けた",
        "係の仕事を責任をもってやりとげた",
        "進んで手伝いをした",
    ],
}
