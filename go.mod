module github.com/ssegen/ssegen

go 1.25.0

require github.com/getkin/kin-openapi v0.153.0

require (
	github.com/dave/jennifer v1.7.1
	github.com/go-chi/chi/v5 v5.5.0
	github.com/nats-io/nats.go v1.53.0
	go.uber.org/goleak v1.3.0
)

require github.com/aymanbagabas/go-udiff v0.4.2

require (
	github.com/klauspost/compress v1.18.5 // indirect
	github.com/nats-io/nkeys v0.4.15 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	golang.org/x/crypto v0.49.0 // indirect
	golang.org/x/sys v0.42.0 // indirect
)

require github.com/evanw/esbuild v0.28.2

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/chromedp/chromedp v0.23.0
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
)

require (
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9 // indirect
	go.yaml.in/yaml/v4 v4.0.0
	golang.org/x/text v0.35.0
	gopkg.in/yaml.v3 v3.0.1
)
