//go:build !linux

package pgtest

import "testing"

// Server is a running PostgreSQL server.
type Server struct{}

// Start skips t: the test server is set up on Linux only.
func Start(t testing.TB) *Server {
	t.Skip("pgtest: the PostgreSQL test server is set up on Linux only")
	return nil
}

// DSN returns the connection string of a database on the server.
func (s *Server) DSN(db string) string { return "" }

// NewDatabase creates an empty database and returns its connection string.
func (s *Server) NewDatabase(t testing.TB) string { return "" }
