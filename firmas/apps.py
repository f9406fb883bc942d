from django.apps import AppConfig


class FirmasConfig(AppConfig):
    name = "firmas"
    verbose_name = "Firma electrónica"

    def ready(self) -> None:
        # The SAT's certificates must parse before anything reads one.
        from oficialia.firma import asn1crypto_accept_sat_names

        asn1crypto_accept_sat_names()
