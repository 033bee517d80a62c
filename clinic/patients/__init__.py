"""Patients reach the clinic: appointment requests and enquiries, patient questions on articles.

What patients send is health data: names, contact details and messages are encrypted at rest
(django-fernet-encrypted-fields, keys from settings), kept out of logs and e-mails, recorded in
the audit trail when staff read them, and deleted a set time after they are closed.
See docs/patient-data.md.
"""
