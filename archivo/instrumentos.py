"""The archival instruments (LGA art. 13): the cuadro general de clasificación archivística
and the catálogo de disposición documental. A serie is never edited in place: a change adds
a version and retires the one before, so what was classified keeps what it was classified
under."""

from dataclasses import asdict, dataclass, field

from django.db import transaction

from correspondencia.models import Escrito, Tramite
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion

from .models import Destino, Fondo, Seccion, SeccionTipo, Serie


@dataclass
class SerieData:
    seccion: Seccion
    codigo: str
    nombre: str
    vigencia_tramite: int
    vigencia_concentracion: int
    destino: str
    padre: Serie | None = None
    descripcion: str = ""
    valor_administrativo: bool = True
    valor_legal: bool = False
    valor_fiscal: bool = False
    fundamento: str = ""
    por_defecto: bool = False
    tramites: list[Tramite] = field(default_factory=list)


def _validate(data: SerieData) -> None:
    if not data.codigo.strip() or not data.nombre.strip():
        raise ActionError("La serie necesita código y nombre.")
    if data.destino not in Destino.values:
        raise ActionError("Elija el destino final: baja documental o archivo histórico.")
    if data.padre is not None and (not data.padre.vigente or data.padre.padre_id is not None):
        raise ActionError("Una subserie pertenece a una serie vigente (no a otra subserie).")
    if data.padre is not None and data.padre.seccion_id != data.seccion.pk:
        raise ActionError("La subserie debe estar en la misma sección que su serie.")
    if not (data.valor_administrativo or data.valor_legal or data.valor_fiscal):
        raise ActionError("Marque al menos un valor documental (administrativo, legal o fiscal).")


def _record(serie: Serie, user, *, motivo: str, anterior: Serie | None) -> None:
    bitacora.record(
        action=Accion.ARCHIVO_SERIE,
        object_type="serie",
        object_ref=serie.codigo,
        changes={
            "version": serie.version,
            **({"version_anterior": anterior.version} if anterior else {}),
            "vigencia_tramite": serie.vigencia_tramite,
            "vigencia_concentracion": serie.vigencia_concentracion,
            "destino": serie.destino,
            **({"motivo": motivo} if motivo else {}),
        },
        actor=user,
    )


@transaction.atomic
def serie_create(*, data: SerieData, user) -> Serie:
    _validate(data)
    if Serie.objects.filter(codigo=data.codigo.strip(), vigente=True).exists():
        raise ActionError(f"Ya hay una serie vigente con el código {data.codigo}.")
    values = asdict(data)
    tramites = values.pop("tramites")
    values.update(seccion=data.seccion, padre=data.padre, codigo=data.codigo.strip())
    serie = Serie.objects.create(**values, creada_por=user, motivo="Alta")
    serie.tramites.set(tramites)
    _claim_tramites(serie)
    _record(serie, user, motivo="Alta", anterior=None)
    return serie


@transaction.atomic
def serie_revise(*, serie_id: int, data: SerieData, user, motivo: str) -> Serie:
    """Make `data` the serie's new version; the current one is kept, retired."""
    motivo = " ".join(motivo.split())
    if not motivo:
        raise ActionError("Escriba el motivo del cambio: queda en el historial del catálogo.")
    _validate(data)
    current = Serie.objects.select_for_update().get(pk=serie_id)
    if not current.vigente:
        raise ActionError("Esa versión ya fue reemplazada: edite la versión vigente.")
    Serie.objects.filter(pk=current.pk).update(vigente=False)
    values = asdict(data)
    tramites = values.pop("tramites")
    values.update(seccion=data.seccion, padre=data.padre, codigo=data.codigo.strip())
    new = Serie.objects.create(
        **values,
        linaje=current.linaje,
        version=current.version + 1,
        creada_por=user,
        motivo=motivo,
    )
    new.tramites.set(tramites)
    # Subseries of the serie follow its current version.
    Serie.objects.filter(padre=current, vigente=True).update(padre=new)
    _claim_tramites(new)
    _record(new, user, motivo=motivo, anterior=current)
    return new


def _keep_first_version(obj) -> None:
    """A fondo or sección loaded before its history was kept gets its current version
    recorded before the first change, so the page can show what it read before."""
    if not obj.history.exists():
        type(obj).history.bulk_history_create(
            [obj], default_change_reason="Versión inicial", default_date=None
        )


def _cuadro_save(obj, *, user, motivo: str, created: bool) -> None:
    obj._change_reason = "Alta" if created else motivo
    obj._history_user = user
    obj.save()


@transaction.atomic
def fondo_save(
    *, codigo: str, nombre: str, user, fondo_id: int | None = None, motivo: str = ""
) -> Fondo:
    """Add a fondo, or change one (with the reason; its earlier version stays in its history
    and what was classified keeps the text it was given)."""
    codigo, nombre, motivo = (
        codigo.strip().upper(),
        " ".join(nombre.split()),
        " ".join(motivo.split()),
    )
    if not codigo or not nombre:
        raise ActionError("El fondo necesita código y nombre.")
    if Fondo.objects.filter(codigo=codigo).exclude(pk=fondo_id).exists():
        raise ActionError(f"Ya hay un fondo con el código {codigo}.")
    if fondo_id is None:
        fondo = Fondo(codigo=codigo, nombre=nombre)
    else:
        if not motivo:
            raise ActionError("Escriba el motivo del cambio: queda en el historial del cuadro.")
        fondo = Fondo.objects.select_for_update().get(pk=fondo_id)
        _keep_first_version(fondo)
        fondo.codigo, fondo.nombre = codigo, nombre
    _cuadro_save(fondo, user=user, motivo=motivo, created=fondo_id is None)
    return fondo


@transaction.atomic
def seccion_save(
    *,
    fondo: Fondo,
    codigo: str,
    nombre: str,
    tipo: str,
    orden: int,
    user,
    seccion_id: int | None = None,
    motivo: str = "",
) -> Seccion:
    """Add a sección to a fondo, or change one, like fondo_save."""
    codigo, nombre, motivo = (
        codigo.strip().upper(),
        " ".join(nombre.split()),
        " ".join(motivo.split()),
    )
    if not codigo or not nombre:
        raise ActionError("La sección necesita código y nombre.")
    if tipo not in SeccionTipo.values:
        raise ActionError("Elija si la sección es común o sustantiva.")
    if Seccion.objects.filter(codigo=codigo).exclude(pk=seccion_id).exists():
        raise ActionError(f"Ya hay una sección con el código {codigo}.")
    if seccion_id is None:
        seccion = Seccion(fondo=fondo, codigo=codigo, nombre=nombre, tipo=tipo, orden=orden)
    else:
        if not motivo:
            raise ActionError("Escriba el motivo del cambio: queda en el historial del cuadro.")
        seccion = Seccion.objects.select_for_update().get(pk=seccion_id)
        _keep_first_version(seccion)
        seccion.fondo, seccion.codigo, seccion.nombre = fondo, codigo, nombre
        seccion.tipo, seccion.orden = tipo, orden
    _cuadro_save(seccion, user=user, motivo=motivo, created=seccion_id is None)
    return seccion


def _claim_tramites(serie: Serie) -> None:
    """A trámite is classified in one current serie: the newest claim wins. The default
    serie is one, too."""
    for other in (
        Serie.objects.filter(vigente=True, tramites__in=serie.tramites.all())
        .exclude(pk=serie.pk)
        .distinct()
    ):
        other.tramites.remove(*serie.tramites.all())
    if serie.por_defecto:
        Serie.objects.filter(vigente=True, por_defecto=True).exclude(pk=serie.pk).update(
            por_defecto=False
        )


def serie_data_of(serie: Serie) -> SerieData:
    return SerieData(
        seccion=serie.seccion,
        padre=serie.padre,
        codigo=serie.codigo,
        nombre=serie.nombre,
        descripcion=serie.descripcion,
        vigencia_tramite=serie.vigencia_tramite,
        vigencia_concentracion=serie.vigencia_concentracion,
        destino=serie.destino,
        valor_administrativo=serie.valor_administrativo,
        valor_legal=serie.valor_legal,
        valor_fiscal=serie.valor_fiscal,
        fundamento=serie.fundamento,
        por_defecto=serie.por_defecto,
        tramites=list(serie.tramites.all()),
    )


def serie_proposed_for(escrito: Escrito) -> Serie | None:
    """The current serie the escrito's trámite is classified in, else the default serie."""
    if escrito.tramite_id:
        serie = Serie.objects.filter(vigente=True, tramites=escrito.tramite_id).first()
        if serie is not None:
            return serie
    return Serie.objects.filter(vigente=True, por_defecto=True).first()


def cuadro() -> list[dict]:
    """The current cuadro, as the page and its printout show it: each sección with its
    series, each serie with its subseries."""
    series = list(
        Serie.objects.filter(vigente=True)
        .select_related("seccion__fondo", "padre")
        .prefetch_related("tramites")
        .order_by("codigo")
    )
    children: dict[int, list[Serie]] = {}
    for s in series:
        if s.padre_id:
            children.setdefault(s.padre_id, []).append(s)
    secciones = []
    for seccion in Seccion.objects.select_related("fondo").order_by(
        "fondo__codigo", "orden", "codigo"
    ):
        own = [
            {"serie": s, "subseries": children.get(s.pk, [])}
            for s in series
            if s.seccion_id == seccion.pk and not s.padre_id
        ]
        secciones.append({"seccion": seccion, "series": own})
    return secciones
