"""What signing costs per acuse: rendering the acuse unsigned (the floor), rendering and
signing it (PAdES with its validation data), and rendering, signing and timestamping it
(PAdES B-LTA against a local RFC 3161 TSA on a loopback port), interleaved in the same run.

    .venv/bin/python bench/firma.py [--acuses N] [--rounds N]

The database is a throw-away SQLite file (one escrito is filed to have an acuse to render);
what is measured touches no database. The TSA answers from this machine, so the timestamp
figure is the local cost of asking for one, without the network to a real TSA.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--acuses", type=int, default=10, help="acuses per round and kind")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-firma-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        OFICIALIA_MEDIA_ROOT=str(work / "media"),
        OFICIALIA_VAR_DIR=str(work),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from cryptography.hazmat.primitives import serialization
    from django.conf import settings
    from django.core.management import call_command

    from correspondencia.models import Acuse
    from correspondencia.services import acuse_render_pdf
    from oficialia import firma
    from tests.factories import file_escrito, pdf_bytes, upload
    from tests.firmas.pki import Autoridad, Servicios

    call_command("migrate", verbosity=0)
    escrito = file_escrito(attachments=[upload("a.pdf", pdf_bytes(2))],
                           submission_token=uuid.uuid4(), queue_acuse=False).escrito
    acuse = Acuse.objects.select_related("escrito__peticionario").get(escrito=escrito)
    tsa_ca = Autoridad("AC de la TSA local")
    services = Servicios(tsa_ca)
    ca_file = work / "tsa-ca.pem"
    ca_file.write_bytes(tsa_ca.certificate.public_bytes(serialization.Encoding.PEM))
    settings.TSA_CA = str(ca_file)
    firma.institution_identity()  # the demo certificate, made once outside the timing

    def unsigned():
        acuse_render_pdf(acuse)

    def signed():
        settings.TSA_URL = ""
        firma.sign_pdf(acuse_render_pdf(acuse))

    def timestamped():
        settings.TSA_URL = services.tsa_url
        firma.sign_pdf(acuse_render_pdf(acuse))

    kinds = {"sin firmar (piso)": unsigned, "firmado (PAdES + DSS)": signed,
             "firmado y sellado (B-LTA, TSA local)": timestamped}
    for fn in kinds.values():  # warm-up: fonts, imports
        fn()
    timings: dict[str, list[float]] = {name: [] for name in kinds}
    try:
        for _ in range(args.rounds):
            for name, fn in kinds.items():
                start = time.perf_counter()
                for _ in range(args.acuses):
                    fn()
                timings[name].append((time.perf_counter() - start) / args.acuses)
    finally:
        services.stop()
    floor = statistics.median(timings["sin firmar (piso)"])
    print(f"{args.rounds} rondas de {args.acuses} acuses; mediana por acuse")
    for name, values in timings.items():
        per = statistics.median(values)
        print(f"  {name:<40} {per * 1000:8.1f} ms   {per / floor:5.2f} x piso   "
              f"(+{(per - floor) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
