"""The daily reminders: before the due date, on it, and the escalation when it passed.

    Septiembre 2026          Octubre 2026
    lu ma mi ju vi sá do     lu ma mi ju vi sá do
        1  2  3  4  5  6               1  2  3  4
     7  8  9 10 11 12 13      5  6  7  8  9 10 11
    14 15 16 17 18 19 20     12 13 14 15 16 17 18
    21 22 23 24 25 26 27     19 20 21 22 23 24 25
    28 29 30                 26 27 28 29 30 31

The turno of every test here is received Mon 5 Oct with 10 business days: due Mon 19 Oct.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from oficialia.models import DiaInhabil, Notificacion
from tests.factories import TramiteFactory, turno_answer_notified, turno_prevent_notified
from turnos.models import Recordatorio, Turno, TurnoState
from turnos.services import (
    prevencion_answer,
    reminders_send,
    turno_accept,
    turno_answer,
)
from turnos.tasks import send_reminders

from .conftest import local

pytestmark = pytest.mark.django_db

DUE = date(2026, 10, 19)
REMINDER_PREFIX = "El turno "  # every reminder starts so; routing notices do not


@pytest.fixture(autouse=True)
def _ten_days_by_default(settings):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """No broker: tasks run in-process (the settings do this when CELERY_BROKER_URL is unset;
    made explicit so a broker in the environment does not change these tests)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def everyone(
    titular_obras, enlace_obras, operativo_obras, titular_agua, enlace_agua, contraloria_user
):
    """Every persona exists, so the tests can tell who was (not) reminded."""


@pytest.fixture
def turno(everyone, turn, time_machine) -> Turno:
    time_machine.move_to(local(date(2026, 10, 5), 11), tick=False)
    return turn(local(date(2026, 10, 5), 10))


@pytest.fixture
def run_on(time_machine, django_capture_on_commit_callbacks):
    """Run the job at 08:00 (Mexico City) on `day`, with what it leaves for after the
    commit (the emails) done too."""

    def run_on(day: date) -> int:
        time_machine.move_to(local(day, 8), tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send()

    return run_on


def reminders():
    return Notificacion.objects.filter(texto__startswith=REMINDER_PREFIX)


def reminder_notices() -> list[tuple[str, str]]:
    return sorted(reminders().values_list("user__username", "texto"))


def counts(mailoutbox) -> tuple[int, int, int]:
    return Recordatorio.objects.count(), Notificacion.objects.count(), len(mailoutbox)


def sent_kinds(turno: Turno) -> list[str]:
    sent = Recordatorio.objects.filter(turno=turno).order_by("sent_at")
    return list(sent.values_list("kind", flat=True))


# When ----------------------------------------------------------------------------------------


def test_each_reminder_is_sent_on_its_day_and_once(turno, run_on):
    # 3 business days before Mon 19: Wed 14 (Thu 15, Fri 16, Mon 19). 1 business day before:
    # Fri 16. The job also runs on the weekend and on the days in between, sending nothing new.
    expected = {
        date(2026, 10, 12): None,
        date(2026, 10, 13): None,  # Wed 14, Thu 15, Fri 16: still 4 business days to go
        date(2026, 10, 14): "3_dias",
        date(2026, 10, 15): None,
        date(2026, 10, 16): "1_dia",
        date(2026, 10, 17): None,
        date(2026, 10, 18): None,
        date(2026, 10, 19): "hoy",
        date(2026, 10, 20): "vencido",
        date(2026, 10, 21): None,
        date(2026, 10, 26): None,
    }
    for day, kind in expected.items():
        before = sent_kinds(turno)
        sent = run_on(day)
        assert sent == (kind is not None), day
        assert sent_kinds(turno) == before + ([kind] if kind else []), day
    assert sent_kinds(turno) == ["3_dias", "1_dia", "hoy", "vencido"]


def test_the_reminder_texts_say_when_it_is_due(turno, run_on):
    folio = turno.escrito.folio
    texts = []
    for day in (date(2026, 10, 14), date(2026, 10, 16), date(2026, 10, 19), date(2026, 10, 20)):
        run_on(day)
        texts.append(reminders().filter(user__username="olga.titular").latest("created_at").texto)
    assert texts == [
        f"El turno {folio} (SOP) vence en 3 días hábiles: fecha límite 19/10/2026",
        f"El turno {folio} (SOP) vence el siguiente día hábil: fecha límite 19/10/2026",
        f"El turno {folio} (SOP) vence hoy: fecha límite 19/10/2026",
        f"El turno {folio} (SOP) está vencido: fecha límite 19/10/2026",
    ]


# Who -----------------------------------------------------------------------------------------


def test_before_the_due_date_the_titular_and_enlace_of_the_secretaria_are_reminded(
    turno, run_on, mailoutbox
):
    assert run_on(date(2026, 10, 14)) == 1
    notices = reminder_notices()
    assert [user for user, _ in notices] == ["ernesto.enlace", "olga.titular"]
    url = reverse("turno_detalle", args=[turno.pk])
    assert set(reminders().values_list("url", flat=True)) == {url}
    # The operativo, the other secretaría and the contraloría are not bothered yet.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ernesto.enlace@municipio.gob.mx",
        "olga.titular@municipio.gob.mx",
    ]


def test_when_overdue_the_contraloria_is_told_too(turno, run_on, mailoutbox):
    assert run_on(date(2026, 10, 20)) == 1
    assert [user for user, _ in reminder_notices()] == [
        "carla.contraloria",
        "ernesto.enlace",
        "olga.titular",
    ]
    assert all("está vencido" in texto for _, texto in reminder_notices())
    assert sorted(m.to[0] for m in mailoutbox) == [
        "carla.contraloria@municipio.gob.mx",
        "ernesto.enlace@municipio.gob.mx",
        "olga.titular@municipio.gob.mx",
    ]


def test_the_emails_carry_the_text_and_a_link_to_the_turno(turno, run_on, mailoutbox):
    run_on(date(2026, 10, 19))
    assert len(mailoutbox) == 2
    message = next(m for m in mailoutbox if m.to == ["olga.titular@municipio.gob.mx"])
    texto = f"El turno {turno.escrito.folio} (SOP) vence hoy: fecha límite 19/10/2026"
    assert message.subject == f"Oficialía de Partes: {texto}"
    link = "http://testserver" + reverse("turno_detalle", args=[turno.pk])
    assert message.body == f"{texto}\n\n{link}\n"
    assert message.from_email == "Oficialía de Partes <oficialia@ayuntamiento.gob.mx>"
    assert reminders().count() == 2
    assert not reminders().filter(emailed_at__isnull=True).exists()


def test_a_staff_member_without_an_email_gets_the_notice_in_the_app_only(
    turno, run_on, mailoutbox, enlace_obras
):
    enlace_obras.email = ""
    enlace_obras.save(update_fields=["email"])
    run_on(date(2026, 10, 14))
    assert [user for user, _ in reminder_notices()] == ["ernesto.enlace", "olga.titular"]
    assert [m.to for m in mailoutbox] == [["olga.titular@municipio.gob.mx"]]
    # Marked as handled, so a retry of the email task does not try again.
    assert not reminders().filter(emailed_at__isnull=True).exists()


def test_inactive_staff_are_not_reminded(turno, run_on, enlace_obras):
    enlace_obras.is_active = False
    enlace_obras.save(update_fields=["is_active"])
    run_on(date(2026, 10, 14))
    assert [user for user, _ in reminder_notices()] == ["olga.titular"]


# Twice, and what is not reminded --------------------------------------------------------------


def test_running_twice_the_same_day_sends_nothing_twice(turno, run_on, mailoutbox):
    for day in (date(2026, 10, 14), date(2026, 10, 20)):
        assert run_on(day) == 1
        before = counts(mailoutbox)
        assert run_on(day) == 0
        assert counts(mailoutbox) == before
    assert len(mailoutbox) == 2 + 3


def test_a_turno_in_prevencion_gets_no_due_date_reminder_but_its_prevencion_does(
    turno, run_on, titular_obras, time_machine
):
    time_machine.move_to(local(date(2026, 10, 8), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Anexe el croquis.")
    # The petitioner's deadline: Thu 8 + 5 business days = Thu 15 Oct. Reminded Wed 14
    # (one business day before); on Fri 16 it is past, and the secretaría hears once.
    assert [run_on(d) for d in (date(2026, 10, 13), date(2026, 10, 14), date(2026, 10, 15))] == [
        0,
        1,
        0,
    ]
    assert [run_on(d) for d in (date(2026, 10, 16), date(2026, 10, 19), date(2026, 10, 20))] == [
        1,
        0,
        0,
    ]
    assert set(Recordatorio.objects.values_list("kind", flat=True)) == {
        "prev_aviso",
        "prev_vence",
    }


def test_after_the_prevencion_the_reminders_follow_the_new_due_date(
    turno, run_on, titular_obras, time_machine
):
    time_machine.move_to(local(date(2026, 10, 8), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Anexe el croquis.")
    # Notified Thu 8, answered Wed 14 Oct (within the petitioner's 5 days): Fri 9, Mon 12,
    # Tue 13, Wed 14 paused (4 business days). Due Mon 19 + 4: Tue 20 .. Fri 23.
    time_machine.move_to(local(date(2026, 10, 14), 9), tick=False)
    prevencion_answer(escrito_id=turno.escrito_id, texto="Anexo el croquis.", files=[])
    assert Turno.objects.get(pk=turno.pk).due_date == date(2026, 10, 23)
    assert run_on(date(2026, 10, 15)) == 0  # answered: no prevención reminder either
    assert run_on(date(2026, 10, 20)) == 1  # Wed 21, Thu 22, Fri 23
    assert list(Recordatorio.objects.values_list("kind", "due_date")) == [
        ("3_dias", date(2026, 10, 23))
    ]


def test_an_answered_and_notified_turno_is_not_reminded(
    turno, run_on, titular_obras, time_machine
):
    time_machine.move_to(local(date(2026, 10, 15), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_answer_notified(
        turno_id=turno.pk, user=titular_obras, texto="Se atendió.", sense="positiva"
    )
    assert Turno.objects.get(pk=turno.pk).state == TurnoState.RESPONDIDO
    for day in (date(2026, 10, 16), date(2026, 10, 19), date(2026, 10, 20)):
        assert run_on(day) == 0
    assert not Recordatorio.objects.exists()


def test_an_answer_waiting_for_its_notification_is_reminded_until_it_is_made_known(
    turno, run_on, titular_obras, enlace_obras, ventanilla_clerk, contraloria_user, time_machine
):
    # Written Thu 15 Oct, never notified: the term (due Mon 19) keeps running (Const. art. 8).
    time_machine.move_to(local(date(2026, 10, 15), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_answer(turno_id=turno.pk, user=titular_obras, texto="Se atendió.", sense="positiva")
    assert [run_on(d) for d in (date(2026, 10, 16), date(2026, 10, 19))] == [1, 0]
    folio = turno.escrito.folio
    told = Notificacion.objects.filter(texto__startswith=f"La respuesta de {folio}")
    assert sorted(told.values_list("user__username", flat=True)) == [
        "ernesto.enlace",
        "olga.titular",
        "vero.ventanilla",
    ]
    assert told.filter(user__username="vero.ventanilla").get().url == reverse(
        "notificaciones_pendientes"
    )
    assert told.filter(user__username="olga.titular").get().url == reverse(
        "turno_detalle", args=[turno.pk]
    )
    assert "el plazo vence el siguiente día hábil (19/10/2026)" in told.first().texto
    # Past the due date it goes up to the contraloría, once.
    assert [run_on(d) for d in (date(2026, 10, 20), date(2026, 10, 21))] == [1, 0]
    late = told.filter(texto__contains="venció el 19/10/2026")
    assert "carla.contraloria" in set(late.values_list("user__username", flat=True))
    assert sent_kinds(turno) == ["resp_aviso", "resp_vence"]


def test_a_prevencion_not_yet_notified_stops_no_reminder(
    turno, run_on, titular_obras, time_machine
):
    from turnos.services import turno_prevent

    time_machine.move_to(local(date(2026, 10, 8), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Anexe el croquis.")
    assert Turno.objects.get(pk=turno.pk).state == TurnoState.PREVENCION
    # Never made known to the petitioner: the clock runs and the due date's reminders go.
    assert run_on(date(2026, 10, 14)) == 1
    assert sent_kinds(turno) == ["3_dias"]


def test_a_due_date_far_away_is_not_reminded(turno, run_on):
    assert run_on(date(2026, 10, 5)) == 0
    assert run_on(date(2026, 10, 9)) == 0


# The calendar between today and the due date --------------------------------------------------


def test_the_reminders_count_business_days_across_a_holiday(everyone, turn, run_on):
    # A 2-day trámite received Mon 14 Sep: Tue 15 (1), [Wed 16 Independencia], Thu 17 (2).
    turno = turn(local(date(2026, 9, 14)), tramite=TramiteFactory(plazo_dias_habiles=2))
    assert turno.due_date == date(2026, 9, 17)
    # Mon 14: Tue 15, Thu 17 -> within 3 business days.
    assert run_on(date(2026, 9, 14)) == 1
    # Tue 15: Thu 17 is the next business day, although two calendar days away.
    assert run_on(date(2026, 9, 15)) == 1
    assert run_on(date(2026, 9, 16)) == 0
    assert run_on(date(2026, 9, 17)) == 1
    assert sent_kinds(turno) == ["3_dias", "1_dia", "hoy"]


def test_the_first_reminder_says_how_many_business_days_are_really_left(everyone, turn, run_on):
    # Same 2-day trámite, due Thu 17 Sep. Routed on Mon 14, the first reminder goes out that
    # day with 2 business days left (Tue 15, Thu 17), not 3.
    turno = turn(local(date(2026, 9, 14)), tramite=TramiteFactory(plazo_dias_habiles=2))
    assert run_on(date(2026, 9, 14)) == 1
    (texto,) = {texto for _, texto in reminder_notices()}
    assert texto == (
        f"El turno {turno.escrito.folio} (SOP) vence en 2 días hábiles: fecha límite 17/09/2026"
    )


def test_the_reminders_count_business_days_across_a_published_dia_inhabil(
    everyone, turn, run_on, django_capture_on_commit_callbacks
):
    # Due Tue 20 Oct fixed by hand (so the new día inhábil does not move it); Mon 19 is a
    # día inhábil. Wed 14: Thu 15, Fri 16, [Mon 19], Tue 20 -> 3 business days away.
    # Fri 16: [Mon 19], Tue 20 -> 1 business day away. (Without the día inhábil: nothing on
    # Wed 14, and the 3-day reminder on Fri 16.)
    turno = turn(local(date(2026, 10, 5)), due_date=date(2026, 10, 20), reason="Acuerdo")
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(
            start=date(2026, 10, 19), end=date(2026, 10, 19), descripcion="Feria"
        )
    assert Turno.objects.get(pk=turno.pk).due_date == date(2026, 10, 20)
    assert run_on(date(2026, 10, 13)) == 0
    assert run_on(date(2026, 10, 14)) == 1
    assert run_on(date(2026, 10, 16)) == 1
    assert run_on(date(2026, 10, 19)) == 0
    assert sent_kinds(turno) == ["3_dias", "1_dia"]


# The Celery task and its schedule -------------------------------------------------------------


def test_the_daily_task_uses_the_date_in_mexico_city(turno, time_machine, mailoutbox):
    # 01:30 UTC on Wed 14 Oct is still Tue 13 at 19:30 in Mexico City: nothing is due yet.
    time_machine.move_to(datetime(2026, 10, 14, 1, 30, tzinfo=ZoneInfo("UTC")), tick=False)
    assert send_reminders.delay().get() == 0
    time_machine.move_to(local(date(2026, 10, 14), 8), tick=False)
    assert send_reminders.delay().get() == 1
    assert sent_kinds(turno) == ["3_dias"]


def test_the_reminders_are_scheduled_every_day_at_eight_in_mexico_city(time_machine):
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["daily-reminders"]
    assert entry["task"] == "turnos.tasks.send_reminders"
    assert entry["task"] in celery_app.tasks
    assert send_reminders.name == entry["task"]
    assert celery_app.conf.timezone == "America/Mexico_City"

    schedule = entry["schedule"]
    zone = ZoneInfo(celery_app.conf.timezone)
    last_run = datetime(2026, 10, 13, 8, 0, tzinfo=zone)

    time_machine.move_to(datetime(2026, 10, 14, 7, 59, tzinfo=zone), tick=False)
    assert schedule.remaining_estimate(last_run) == timedelta(minutes=1)
    assert not schedule.is_due(last_run).is_due

    time_machine.move_to(datetime(2026, 10, 14, 8, 0, tzinfo=zone), tick=False)
    assert schedule.remaining_estimate(last_run) == timedelta(0)
    due = schedule.is_due(last_run)
    assert due.is_due
    assert due.next == 24 * 60 * 60  # and again tomorrow at 08:00

    # 08:00 UTC is 02:00 in Mexico City: not yet.
    time_machine.move_to(datetime(2026, 10, 14, 8, 0, tzinfo=ZoneInfo("UTC")), tick=False)
    assert not schedule.is_due(last_run).is_due
    assert schedule.remaining_estimate(last_run) == timedelta(hours=6)


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_commits_each_reminder_and_emails_it(
    everyone, turn, time_machine, mailoutbox
):
    """As in production: no surrounding transaction, each reminder commits on its own and
    its emails go out right after (the task runs in-process without a broker)."""
    time_machine.move_to(local(date(2026, 10, 5), 11), tick=False)
    first = turn(local(date(2026, 10, 5), 10))  # due Mon 19 Oct
    second = turn(local(date(2026, 10, 6), 10))  # due Tue 20 Oct
    mailoutbox.clear()  # the routing notices
    time_machine.move_to(local(date(2026, 10, 19), 8), tick=False)
    assert send_reminders.delay().get() == 2
    assert sent_kinds(first) == ["hoy"]
    assert sent_kinds(second) == ["1_dia"]
    assert len(mailoutbox) == 4
    assert not reminders().filter(emailed_at__isnull=True).exists()
    assert send_reminders.delay().get() == 0
    assert len(mailoutbox) == 4


def test_nothing_is_sent_on_a_weekend_and_the_next_business_day_catches_up(turno, run_on):
    # Due Mon 19 Oct; nobody ran the job on Tue 20 to Fri 23. Sat 24 and Sun 25 send nothing:
    # the escalation waits for Mon 26, a business day.
    assert run_on(date(2026, 10, 24)) == 0
    assert run_on(date(2026, 10, 25)) == 0
    assert not Recordatorio.objects.exists()
    assert run_on(date(2026, 10, 26)) == 1
    assert list(Recordatorio.objects.values_list("kind", flat=True)) == ["vencido"]
