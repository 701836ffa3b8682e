use crate::harness::TestCase;
