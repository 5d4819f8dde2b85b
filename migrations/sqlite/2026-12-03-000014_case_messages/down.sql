DROP TABLE message_reads;
DROP TABLE case_messages;
