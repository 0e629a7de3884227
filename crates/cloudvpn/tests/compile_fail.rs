//! What must not compile: an operation of another API sent with an API's client, and waiting on an
//! operation that has no completion recipe. trybuild compares the compiler's errors with the `.stderr`
//! files beside each case, so a case cannot pass by failing for another reason (a typo, a missing import).

#[test]
fn misuses_of_the_fluent_clients_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
