DROP TABLE client_terms;
