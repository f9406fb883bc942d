"""Every PDF the product draws (acuses, ARCO exports, stand-in pages) is drawn here, with a
URL fetcher that reads nothing but the product's own static files and inline data: a
template that names another file, a server on the network or the cloud's metadata address
gets nothing."""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme == "file" and not parts.netloc:
        path = Path(unquote(parts.path)).resolve()
        return path.is_file() and any(path.is_relative_to(root) for root in _static_roots())
    return False


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, with no redirects, for data: and the static folders only."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not allowed(url):
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise FetchRefused(f"not a static file of the product: {url[:200]}")
        return super().fetch(url, headers)


def render_pdf(html: str, *, font_config=None) -> bytes:
    from weasyprint import HTML

    base = Path(settings.STATICFILES_DIRS[0]).resolve()
    document = HTML(string=html, base_url=f"{base}/", url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(font_config=font_config)
