"""A function's last results, kept and handed over (archive.recent)."""

from archive.recent import recent


def test_the_last_results_are_kept_and_the_oldest_dropped():
    calls = []

    @recent(2)
    def double(number):
        calls.append(number)
        return number * 2

    assert [double(1), double(2), double(1), double(3), double(2)] == [2, 4, 2, 6, 4]
    assert calls == [1, 2, 3, 2]  # 1 was used again before 3 came, so 2 went first


def test_a_result_worked_out_elsewhere_is_taken_as_the_functions_own():
    calls = []

    @recent(4)
    def text_of(body):
        calls.append(body)
        return body.upper()

    text_of.remember("<p>a</p>", "<P>A</P>")
    assert text_of("<p>a</p>") == "<P>A</P>"
    assert calls == []
    text_of.cache_clear()
    assert text_of("<p>a</p>") == "<P>A</P>" and calls == ["<p>a</p>"]
