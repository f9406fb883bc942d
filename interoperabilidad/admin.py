from django import forms
from django.contrib import admin, messages

from .models import Entrega, Evento, Institucion, Intento, Scope, TokenApi, Webhook
from .tokens import token_issue, token_revoke
from .webhooks import UnsafeTarget, check_target, entrega_resend, new_secret, webhook_resume


class TokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="Permisos", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TokenApi
        fields = ["institucion", "nombre", "scopes"]


@admin.register(TokenApi)
class TokenApiAdmin(admin.ModelAdmin):
    """A token is issued here and shown once; later it can only be revoked."""

    form = TokenForm
    list_display = [
        "prefijo",
        "nombre",
        "institucion",
        "permisos",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["institucion", ("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["prefijo", "created_at", "last_used_at", "last_used_ip", "revoked_at"]
    actions = ["revocar"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # an issued token's scopes and owner do not change
            return [*self.readonly_fields, "institucion", "nombre", "scopes"]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["institucion", "nombre", "scopes"]
        return ["institucion", "nombre", "scopes", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued = token_issue(
            institucion=form.cleaned_data["institucion"],
            nombre=form.cleaned_data["nombre"],
            scopes=form.cleaned_data["scopes"],
        )
        obj.pk = issued.token.pk
        obj.prefijo = issued.token.prefijo
        messages.warning(
            request,
            f"Token emitido. Cópielo ahora; no se volverá a mostrar: {issued.plaintext}",
        )

    @admin.display(description="permisos")
    def permisos(self, obj: TokenApi) -> str:
        return ", ".join(Scope(s).label for s in obj.scopes if s in Scope.values)

    @admin.action(description="Revocar los tokens seleccionados")
    def revocar(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
        messages.success(request, f"{queryset.count()} token(s) revocado(s).")


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    eventos = forms.MultipleChoiceField(choices=Evento.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ["institucion", "url", "eventos", "activo"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_target(url)
        except UnsafeTarget as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["url", "institucion", "activo", "paused_at", "consecutive_failures"]
    list_filter = ["institucion", "activo", ("paused_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["secret", "paused_at", "consecutive_failures"]
    actions = ["reanudar"]

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = new_secret()
        super().save_model(request, obj, form, change)

    @admin.action(description="Reanudar (quitar la pausa)")
    def reanudar(self, request, queryset):
        for webhook in queryset:
            webhook_resume(webhook_id=webhook.pk)
        messages.success(request, "Webhooks reanudados; lo pendiente sale en el próximo minuto.")


class IntentoInline(admin.TabularInline):
    model = Intento
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status", "error", "duration_ms"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entrega)
class EntregaAdmin(admin.ModelAdmin):
    list_display = [
        "msg_id",
        "evento",
        "escrito",
        "webhook",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "evento", "webhook__institucion"]
    search_fields = ["msg_id", "escrito__folio"]
    readonly_fields = [
        "webhook",
        "evento",
        "msg_id",
        "escrito",
        "transicion_id",
        "payload",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    inlines = [IntentoInline]
    actions = ["reenviar"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Reenviar las entregas seleccionadas")
    def reenviar(self, request, queryset):
        for entrega in queryset:
            entrega_resend(entrega_id=entrega.pk)
        messages.success(request, f"{queryset.count()} entrega(s) en cola para reenviarse.")


class TokenInline(admin.TabularInline):
    model = TokenApi
    extra = 0
    can_delete = False
    fields = ["prefijo", "nombre", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Institucion)
class InstitucionAdmin(admin.ModelAdmin):
    list_display = ["nombre", "siglas", "correo_contacto", "activa"]
    search_fields = ["nombre", "siglas"]
    inlines = [TokenInline]
