module github.com/ssegen/ssegen

go 1.25.0
