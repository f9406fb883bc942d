from django.core.management.base import BaseCommand

from busqueda.indice import extract_adjunto_text, reindex_all, texts_queue
from busqueda.models import TextoAdjunto, TextoState
from busqueda.ocr import ocr_status
from correspondencia.models import Escrito


class Command(BaseCommand):
    help = (
        "Rehace el documento de búsqueda de cada escrito y pone en cola el texto (capa de "
        "texto u OCR) de los anexos que aún no lo tienen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--textos-omitidos",
            action="store_true",
            help="también vuelve a leer los anexos que se omitieron o fallaron (p. ej. "
            "después de instalar tesseract)",
        )

    def handle(self, *args, textos_omitidos: bool, **options):
        queued = 0
        for escrito_id in Escrito.objects.values_list("pk", flat=True).iterator():
            queued += texts_queue(escrito_id=escrito_id)
        if textos_omitidos:
            again = TextoAdjunto.objects.filter(
                state__in=[TextoState.OMITIDO, TextoState.ERROR, TextoState.PENDIENTE]
            ).values_list("adjunto_id", flat=True)
            for adjunto_id in again:
                extract_adjunto_text.delay(adjunto_id)
                queued += 1
        n = reindex_all()
        self.stdout.write(f"{n} escritos indexados; {queued} anexos en cola para extraer su texto.")
        self.stdout.write(ocr_status()[1])
