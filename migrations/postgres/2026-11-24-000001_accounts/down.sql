DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE users;
