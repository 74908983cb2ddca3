"""Copy the front-end packages we serve from node_modules into static/vendor.

npm installs them from the lockfile; this picks the files the pages load, so nothing third-party
is committed and nothing is fetched from a CDN at run time.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

#: (source under node_modules, destination under static/vendor). Directories are copied whole.
ASSETS: list[tuple[str, str]] = [
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("@alpinejs/csp/dist/cdn.min.js", "alpine/alpine-csp.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("axe-core/axe.min.js", "axe/axe.min.js"),
    ("@fontsource/biz-udpgothic/400.css", "fonts/biz-udpgothic/400.css"),
    ("@fontsource/biz-udpgothic/700.css", "fonts/biz-udpgothic/700.css"),
    ("@fontsource/biz-udpgothic/files", "fonts/biz-udpgothic/files"),
]

#: TrueType fonts Typst embeds in our PDFs (tsunagu.core.pdf); kept out of static, never served.
PDF_FONTS: list[str] = [
    "@expo-google-fonts/biz-udmincho/400Regular/BIZUDMincho_400Regular.ttf",
    "@expo-google-fonts/biz-udmincho/700Bold/BIZUDMincho_700Bold.ttf",
    "@expo-google-fonts/biz-udgothic/400Regular/BIZUDGothic_400Regular.ttf",
    "@expo-google-fonts/biz-udgothic/700Bold/BIZUDGothic_700Bold.ttf",
]


class Command(BaseCommand):
    help = "Copy front-end packages from node_modules into tsunagu/static/vendor."

    def handle(self, *args: Any, **options: Any) -> None:
        node_modules = Path(settings.BASE_DIR) / "node_modules"
        vendor = Path(settings.PACKAGE_DIR) / "static" / "vendor"
        if not node_modules.is_dir():
            raise CommandError("node_modules is missing: run `npm ci` first (make does this).")
        for source, target in ASSETS:
            src, dst = node_modules / source, vendor / target
            if not src.exists():
                raise CommandError(f"{src} is missing: is package-lock.json up to date?")
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.rmtree(dst, ignore_errors=True)
                # Only the latin and japanese subsets of the font are used by our pages.
                shutil.copytree(
                    src, dst, ignore=shutil.ignore_patterns("*cyrillic*", "*greek*", "*vietnamese*")
                )
            else:
                shutil.copyfile(src, dst)
        fonts = Path(settings.PACKAGE_DIR) / "core" / "typst" / "fonts"
        fonts.mkdir(parents=True, exist_ok=True)
        for source in PDF_FONTS:
            src = node_modules / source
            if not src.exists():
                raise CommandError(f"{src} is missing: is package-lock.json up to date?")
            shutil.copyfile(src, fonts / src.name)
        self.stdout.write(f"assets copied to {vendor}, PDF fonts to {fonts}")
