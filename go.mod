module github.com/uapos/uapos

go 1.25.0

require (
	github.com/boombuler/barcode v1.1.0
	github.com/ebitengine/purego v0.11.3
	github.com/google/gousb v1.1.3
	go.bug.st/serial v1.8.0
	golang.org/x/image v0.45.0
	golang.org/x/sys v0.47.0
	golang.org/x/text v0.41.0
)

require go.yaml.in/yaml/v3 v3.0.6 // indirect
