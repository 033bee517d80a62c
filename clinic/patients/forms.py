from django import forms
from django.core.exceptions import ValidationError

from clinic.patients import spam
from clinic.patients.models import COMMENT_MAX_LENGTH, AppointmentRequest, normalise_phone


class SpamFieldsMixin(forms.Form):
    """The honeypot and the signed time stamp (clinic/patients/spam.py); not for people."""

    website = forms.CharField(
        label="Leave this empty", required=False, widget=forms.TextInput(attrs={"tabindex": "-1"})
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields[spam.HONEYPOT].widget.attrs["autocomplete"] = "off"
        if not self.is_bound:
            self.initial[spam.STARTED] = spam.form_stamp()

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != spam.HONEYPOT]


class ContactForm(SpamFieldsMixin):
    kind = forms.ChoiceField(
        label="What would you like to do?",
        choices=AppointmentRequest.Kind.choices,
        initial=AppointmentRequest.Kind.APPOINTMENT,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Your name", max_length=120, widget=forms.TextInput())
    phone = forms.CharField(
        label="Telephone",
        max_length=40,
        required=False,
        help_text="We will call you back on this number.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        required=False,
        help_text="Give a telephone number, an e-mail address, or both.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    patient = forms.ChoiceField(
        label="Have you been to us before?",
        choices=[
            (AppointmentRequest.Patient.NEW, "No, I am a new patient"),
            (AppointmentRequest.Patient.EXISTING, "Yes, I am an existing patient"),
        ],
        initial=AppointmentRequest.Patient.NEW,
        widget=forms.RadioSelect,
    )
    preferred_times = forms.CharField(
        label="Preferred days and times (optional)",
        max_length=300,
        required=False,
        help_text="For example “Tuesday or Thursday mornings”.",
    )
    message = forms.CharField(
        label="What is it about? (optional)",
        max_length=1000,
        required=False,
        help_text="A line or two is enough; we will talk about the details when we call.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label="I agree that the clinic may contact me about this request.",
        error_messages={"required": "Tick this box so that we may contact you."},
    )

    field_order = ["kind", "name", "phone", "email", "patient", "preferred_times", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["name"].error_messages["required"] = "Enter your name."

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not 7 <= len(normalise_phone(phone)) <= 15:
            raise ValidationError("Enter a telephone number, for example 01865 000 000.")
        return phone

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("phone") and not cleaned.get("email")
        if missing and not self.has_error("phone") and not self.has_error("email"):
            self.add_error("phone", "Give a telephone number or an e-mail address so we can reply.")
        return cleaned


class QuestionForm(SpamFieldsMixin):
    author_name = forms.CharField(
        label="Your name",
        max_length=100,
        help_text="Shown with your question. A first name is fine.",
        error_messages={"required": "Enter a name to show with your question."},
    )
    author_email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="Never shown. Only so that we can reply privately if we need to.",
        error_messages={"required": "Enter your e-mail address."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = forms.CharField(
        label="Your question or comment",
        max_length=COMMENT_MAX_LENGTH,
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH:,} characters.",
        error_messages={"required": "Write your question or comment."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    field_order = ["author_name", "author_email", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_name"].widget.attrs["autocomplete"] = "name"
