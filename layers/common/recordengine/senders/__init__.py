"""Senders: the suppliers documents come from, recognised from what each document says about its issuer
(tax registration numbers, bank account, web domain, phone, legal name), never from who uploaded it."""
