package web

import (
	"os"
	"testing"
)

var tempRoot string

// tempDir returns a directory removed when the tests end.
func tempDir() (string, error) { return os.MkdirTemp(tempRoot, "fixture-") }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "manrs-web-")
	if err != nil {
		panic(err)
	}
	tempRoot = dir
	code := m.Run()
	if shared != nil {
		shared.st.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}
