-- One database per service: services never read each other's tables.
CREATE DATABASE mentoring_intake;
CREATE DATABASE mentoring_matching;
CREATE DATABASE mentoring_sessions;
