from klynge.widgets.download import Download, safe_filename


def test_filenames_lose_folders_and_odd_characters():
    assert safe_filename("../../etc/passwd") == "_.._etc_passwd"
    assert safe_filename('rapport <img src=x>.html') == "rapport _img src_x_.html"
    assert safe_filename("Fjellgløtt Guiding.pdf") == "Fjellgløtt Guiding.pdf"
    assert safe_filename("") == "klynge"


def test_a_file_goes_out_as_one_message_with_its_bytes():
    sent = []
    widget = Download()
    widget.send = lambda content, buffers=None: sent.append((content, buffers))
    widget.send_file("x/y.html", b"<h1>Hei</h1>", "text/html")
    assert sent == [({"type": "download", "filename": "x_y.html", "mime": "text/html"}, [b"<h1>Hei</h1>"])]
