"""The staff search: words, a petitioner's name or a folio (whole or short) over the search
documents of the escritos the user may see, with filters, ranked, with highlighted snippets.

Who sees what is turnos.permissions' rule (`escritos_visible_to`); the administración,
which reads every escrito in the read-only admin, searches them all there. PostgreSQL:
full text (`es_unaccent`: Spanish stemming with accents and ñ folded) ranked with ts_rank,
trigram similarity for names, folio suffixes through a trigram index, snippets by
ts_headline. SQLite: the folded text with LIKE, snippets cut in Python.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from correspondencia.models import Escrito
from oficialia.folios import FolioParcial, parse_folio_parcial
from oficialia.roles import SEE_ALL_ROLES, Role, has_role
from oficialia.text import fold, search_words
from turnos.models import Turno
from turnos.permissions import alcance_of_user, escritos_visible_q, turnos_scope
from turnos.plazos import Thresholds

from .models import AlcanceDocumento, DocumentoBusqueda

CONFIG = "es_unaccent"
PAGE_SIZE = 20
# Counted up to here; past it the page says "más de 1000".
COUNT_CAP = 1000
# How alike a name must be to the words typed (pg_trgm word similarity, 0 to 1).
NAME_SIMILARITY = 0.6
# Markers ts_headline puts around matches: control characters no text has, replaced by
# <mark> after the snippet is escaped (the texts are the petitioners', never trusted HTML).
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Filtros:
    desde: date | None = None
    hasta: date | None = None
    secretaria_id: int | None = None
    estado: str = ""
    canal: str = ""
    tramite_id: int | None = None
    semaforo: str = ""


@dataclass
class Resultado:
    escrito: Escrito
    snippet: SafeString
    rank: float


@dataclass
class Resultados:
    items: list[Resultado] = field(default_factory=list)
    total: int = 0
    more: bool = False  # more than COUNT_CAP
    page: int = 1

    @property
    def has_next(self) -> bool:
        return self.more or self.page * PAGE_SIZE < self.total


def searchable(user) -> tuple[QuerySet[DocumentoBusqueda], str]:
    """The search documents of the escritos the user may see, and the field that orders
    them newest first.

    What a titular or enlace sees through their secretaría's turnos is read from the
    documents' scope rows (AlcanceDocumento), not from the turnos of every candidate: with
    one key (no area) the search walks their index newest first; only what other roles add
    (a ventanilla's captures, an operativo's tasks) goes through `escritos_visible_q`."""
    docs = DocumentoBusqueda.objects.all()
    others = escritos_visible_q(user, by_turnos=False)
    if others is None or _reads_the_admin(user):
        return docs, "escrito__received_at"
    keys = alcance_of_user(user)
    if len(keys) == 1 and others == NOTHING:
        # A join, not a semi-join: a document has each key once, so no row repeats.
        return docs.filter(alcances__clave=keys[0]), "alcances__received_at"
    match = NOTHING
    if keys:
        scope = AlcanceDocumento.objects.filter(documento=OuterRef("pk"), clave__in=keys)
        match |= Q(Exists(scope))
    if others != NOTHING:
        # Without DISTINCT: a semi-join PostgreSQL plans against the search's own indexes.
        match |= Q(escrito_id__in=Escrito.objects.filter(others).values("pk"))
    return docs.filter(match), "escrito__received_at"


def _reads_the_admin(user) -> bool:
    return (
        has_role(user, Role.ADMINISTRACION)
        and user.is_staff
        and user.has_perm("correspondencia.view_escrito")
    )


def _filtered(docs: QuerySet, user, f: Filtros) -> QuerySet:
    if f.desde:
        docs = docs.filter(escrito__received_at__gte=_start_of(f.desde))
    if f.hasta:
        docs = docs.filter(escrito__received_at__lt=_start_of(f.hasta, next_day=True))
    if f.estado:
        docs = docs.filter(escrito__state=f.estado)
    if f.canal:
        docs = docs.filter(escrito__channel=f.canal)
    if f.tramite_id:
        docs = docs.filter(escrito__tramite_id=f.tramite_id)
    if f.secretaria_id or f.semaforo:
        turnos = Turno.objects.all()
        if not has_role(user, *SEE_ALL_ROLES) and has_role(user, Role.TITULAR, Role.ENLACE):
            turnos = turnos.filter(turnos_scope(user))  # the light of their own turnos
        if f.secretaria_id:
            turnos = turnos.filter(secretaria_id=f.secretaria_id)
        if f.semaforo:
            turnos = turnos.filter(Thresholds.now().filter(f.semaforo))
        docs = docs.filter(escrito_id__in=turnos.values("escrito_id"))
    return docs


def _start_of(day: date, *, next_day: bool = False) -> datetime:
    from datetime import timedelta

    if next_day:
        day = day + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def _folio_q(folio: FolioParcial | None) -> Q:
    if folio is None:
        return Q(pk__in=[])
    q = Q(folio__endswith=folio.matches_suffix())
    if folio.series:
        q &= Q(folio__startswith=f"{folio.series}-")
    return q


def search(user, text: str, filtros: Filtros | None = None, *, page: int = 1) -> Resultados:
    """One page of what `user` finds for `text` under `filtros`; empty words with filters
    list the filtered escritos, newest first."""
    filtros = filtros or Filtros()
    text = (text or "").strip()[:200]
    words = search_words(text)
    folio = parse_folio_parcial(text)
    docs, received = searchable(user)
    docs = _filtered(docs, user, filtros)
    if not words and folio is None and filtros == Filtros():
        return Resultados(page=page)
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    if connection.vendor == "postgresql":
        matched, rank, query = _postgres(docs, words, folio)
    else:
        matched, query = _sqlite(docs, words, folio), None
        rank = None if folio is None else _folio_first(folio)
    # Counted up to the cap over the indexes alone, without ranking anything.
    count = matched.order_by().values("pk")[: COUNT_CAP + 1].count()
    if rank is None or count > COUNT_CAP:
        # Too broad to rank every match (or nothing to rank by): the newest first, which the
        # index on received_at serves while it reads only the first page's rows.
        ordered = matched.annotate(rank=Value(0.0)).order_by(f"-{received}", "-pk")
    else:
        ordered = matched.annotate(rank=rank).order_by("-rank", f"-{received}", "-pk")
    rows = list(
        ordered.defer("vector", "plano").select_related(
            "escrito__peticionario", "escrito__tramite", "escrito__secretaria_destino"
        )[offset : offset + PAGE_SIZE]
    )
    snippets = _headlines([r.pk for r in rows], query) if query is not None else {}
    items = []
    for row in rows:
        snippet = snippets.get(row.pk) if query is not None else _python_snippet(row, words)
        items.append(
            Resultado(
                escrito=row.escrito, snippet=snippet or _plain(row), rank=getattr(row, "rank", 0)
            )
        )
    return Resultados(items=items, total=min(count, COUNT_CAP), more=count > COUNT_CAP, page=page)


def tsquery_text(words: list[str]) -> str:
    """Every word, as a prefix ("constru" finds "construcción"); the words are folded, so
    only letters, digits and underscores reach to_tsquery."""
    return " & ".join(f"{w}:*" for w in words if re.fullmatch(r"\w+", w))


def _postgres(docs: QuerySet, words: list[str], folio: FolioParcial | None):
    """(the matching documents, how to rank them or None, the text search query or None)."""
    query = SearchQuery(tsquery_text(words), search_type="raw", config=CONFIG) if words else None
    if query is None and folio is None:
        return docs, None, None  # filters alone
    match = _folio_q(folio)
    rank = _folio_first(folio)
    if query is not None:
        phrase = " ".join(words)
        match |= Q(vector=query) | Q(nombre__trigram_word_similar=phrase)
        rank = (
            rank
            + SearchRank(F("vector"), query, normalization=Value(32))
            + TrigramWordSimilarity(Value(phrase), "nombre")
        )
    return docs.filter(match), rank, query


def _headlines(pks: list[int], query: SearchQuery) -> dict[int, SafeString]:
    if not pks:
        return {}
    text = Concat(
        "titulo",
        Value("\n"),
        "cuerpo",
        Value("\n"),
        "seguimiento",
        Value("\n"),
        "adjuntos",
        output_field=TextField(),
    )
    options = {
        "start_sel": START,
        "stop_sel": STOP,
        "max_words": SNIPPET_WORDS,
        "min_words": 12,
        "max_fragments": 2,
        "fragment_delimiter": " … ",
    }
    rows = (
        DocumentoBusqueda.objects.filter(pk__in=pks)
        .annotate(h=SearchHeadline(text, query, config=CONFIG, **options))
        .values_list("pk", "h")
    )
    return {pk: _marked(h) for pk, h in rows if START in (h or "")}


def _marked(raw: str) -> SafeString:
    safe = escape(raw.replace("\n", " ")).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)


def _folio_first(folio: FolioParcial) -> Case:
    return Case(
        When(_folio_q(folio), then=Value(10.0)), default=Value(0.0), output_field=FloatField()
    )


def _sqlite(docs: QuerySet, words: list[str], folio: FolioParcial | None) -> QuerySet:
    """The matching documents; the newest first (a folio's own escrito first)."""
    match = _folio_q(folio)
    if words:
        every = Q()
        for word in words:
            every &= Q(plano__contains=word)
        match |= every
    elif folio is None:
        return docs
    return docs.filter(match)


def _python_snippet(doc: DocumentoBusqueda, words: list[str]) -> SafeString | None:
    """The first stretch of the document's texts holding a word, the words marked: found on
    the folded text, cut from the original (folding keeps one character per letter here)."""
    if not words:
        return None
    best, best_hits, best_score = "", [], 0
    # The text with the most of the words; the escrito's own text before its asunto.
    for source in (doc.cuerpo, doc.seguimiento, doc.adjuntos, doc.titulo):
        source = " ".join(source.split())
        folded = _fold_keep_length(source)
        hits = [(m.start(), m.end(), w) for w in words for m in re.finditer(re.escape(w), folded)]
        score = len({w for _a, _b, w in hits})
        if score > best_score:
            best, best_hits, best_score = source, hits, score
    if not best_hits:
        return None
    source = best
    hits = sorted((a, b) for a, b, _w in best_hits)
    first = hits[0][0]
    start = source.rfind(" ", 0, first - 60) + 1 if first > 60 else 0
    end = min(len(source), start + 220)
    out, cursor = [], start
    for a, b in hits:
        if a < cursor or b > end:
            continue
        out.append(escape(source[cursor:a]) + "<mark>" + escape(source[a:b]) + "</mark>")
        cursor = b
    out.append(escape(source[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(source) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # escaped piece by piece above


def _fold_keep_length(text: str) -> str:
    """`fold` one character at a time, so positions still point into the original."""
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f[0] if len(f) == 1 else (" " if not f else f[0]))
    return "".join(out)


def _plain(doc: DocumentoBusqueda) -> SafeString:
    text = " ".join(doc.titulo.split())
    return mark_safe(escape(text[:200]))
