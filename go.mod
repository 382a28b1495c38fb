module github.com/manrs/manrs

go 1.26.0

require (
	github.com/cosnicolaou/pbzip2 v1.0.5
	github.com/dsnet/compress v0.0.1
	github.com/gaissmai/bart v0.30.0
	github.com/klauspost/compress v1.20.4
	github.com/spf13/cobra v1.10.2
	golang.org/x/term v0.48.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
