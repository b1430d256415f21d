import MailIngest
