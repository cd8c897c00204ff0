# The program the conformance harness (conformance.py) runs both ways:
# compiled by py2wasm, and as a script under python.wasm. It runs one test
# module of CPython's `test` package as regrtest does (the module's
# test_main() when it has one, else its tests through TestLoader, which
# honours load_tests), and reports each test's outcome as it ends, on a
# line of its own written straight to file descriptor 1:
#
#     @@conformance OUTCOME TEST-ID [| first line of the error]
#
# OUTCOME is pass, fail, error, skip, xfail (an expected failure) or
# upass (an unexpected success); subtests report under their own id. A
# last line `@@conformance done` says the module ran to its end, so a run
# that crashed or was killed is told from one that finished.
#
# usage: main.py MODULE   (MODULE without the `test.` prefix)
import importlib
import os
import sys
import unittest
import unittest.result


def emit(outcome, test, err=None):
    line = f"@@conformance {outcome} {test.id()}"
    if err is not None:
        exc = err[1]
        first = f"{type(exc).__name__}: {exc}".splitlines()
        line += " | " + (first[0][:200] if first else type(exc).__name__)
    os.write(1, (line.replace("\n", " ") + "\n").encode("utf-8", "backslashreplace"))


# Every result class (unittest's, regrtest's RegressionTestResult) reaches
# these methods through super(), so recording here sees every test.
Result = unittest.result.TestResult
_add_success = Result.addSuccess
_add_failure = Result.addFailure
_add_error = Result.addError
_add_skip = Result.addSkip
_add_xfail = Result.addExpectedFailure
_add_upass = Result.addUnexpectedSuccess
_add_subtest = Result.addSubTest


def add_success(self, test):
    emit("pass", test)
    return _add_success(self, test)


def add_failure(self, test, err):
    emit("fail", test, err)
    return _add_failure(self, test, err)


def add_error(self, test, err):
    # setUpClass / module fixtures fail as _ErrorHolder "tests"
    emit("error", test, err)
    return _add_error(self, test, err)


def add_skip(self, test, reason):
    emit("skip", test)
    return _add_skip(self, test, reason)


def add_xfail(self, test, err):
    emit("xfail", test)
    return _add_xfail(self, test, err)


def add_upass(self, test):
    emit("upass", test)
    return _add_upass(self, test)


def add_subtest(self, test, subtest, err):
    if err is not None:
        emit("fail" if issubclass(err[0], test.failureException) else "error", subtest, err)
    return _add_subtest(self, test, subtest, err)


Result.addSuccess = add_success
Result.addFailure = add_failure
Result.addError = add_error
Result.addSkip = add_skip
Result.addExpectedFailure = add_xfail
Result.addUnexpectedSuccess = add_upass
Result.addSubTest = add_subtest


def main():
    name = sys.argv[1]
    # Both ways work in the directory the harness names in PWD: a compiled
    # program starts there (runtime/main.c), python.wasm in wasi-libc's "/",
    # where a test's relative paths (support.TESTFN) are not writable.
    pwd = os.environ.get("PWD")
    if pwd and os.getcwd() != pwd:
        os.chdir(pwd)
    from test import support

    # As regrtest: quiet, and failures reported rather than raised.
    support.verbose = 0
    try:
        module = importlib.import_module("test." + name)
        run = getattr(module, "test_main", None)
        if run is None:
            loader = unittest.TestLoader()
            suite = loader.loadTestsFromModule(module)
            for error in loader.errors:
                print(error, file=sys.stderr)
            support.run_unittest(suite)
        else:
            run()
    except unittest.SkipTest as e:
        os.write(1, f"@@conformance module-skip {name} | {e}\n".encode())
    except (support.TestFailed, support.TestDidNotRun):
        pass
    except BaseException as e:  # an import error, or what test_main raised
        first = f"{type(e).__name__}: {e}".splitlines()
        os.write(1, f"@@conformance module-error {name} | {first[0][:200] if first else ''}\n".encode())
        raise
    os.write(1, b"@@conformance done\n")


main()
