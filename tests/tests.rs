//! Integration tests: the real `dossier` binary in temporary case folders, one file per command.

mod harness;

mod build;
mod check;
mod correct;
mod cosign;
mod differential;
mod encrypt;
mod event;
mod exhibit;
mod export;
mod filing;
mod hostile;
mod import;
mod init;
mod names;
mod readme;
mod sanctions;
mod shared;
mod sign;
mod signatory;
mod status;
mod subject;
mod submission;
mod supplements;
mod timestamp;
mod verify;
mod viewer;
