"""The encrypted fields of patient data (django-fernet-encrypted-fields), safe to serialise.

The library's fields decrypt when a row is loaded, and Django's serialisers (dumpdata, and so
`manage.py backup`) write the loaded value: the plaintext. These subclasses write the encrypted
value instead, so that a backup archive holds only ciphertext; loading it (`manage.py restore`,
loaddata) decrypts it with the same keys and stores it encrypted again.
"""

from encrypted_fields import fields


class SerialiseEncryptedMixin:
    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return self.get_prep_value(value) if value else value


class EncryptedCharField(SerialiseEncryptedMixin, fields.EncryptedCharField):
    pass


class EncryptedTextField(SerialiseEncryptedMixin, fields.EncryptedTextField):
    pass
