"""SMS personal fields (see ratusz.lib.personal_data)."""

from ratusz.lib.personal_data import Covered, register

register(
    covered={
        "sms.InboundSms.sender": Covered(
            "sms_odebrane[].od",
            "rows from the follower's number are deleted (and all after 30 days)",
        ),
    },
    exempt={
        "sms.SmsSettings.sender": "the gmina's approved SMS sender name",
        "sms.InboundSms.recipient": "the gmina's own number the SMS was sent to",
    },
)
