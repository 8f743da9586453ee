package runtime_test

import (
	"testing"

	"github.com/ssegen/ssegen/runtime"
	"github.com/ssegen/ssegen/runtime/bustest"
)

func TestMemoryBus(t *testing.T) {
	bustest.Run(t, func(t *testing.T, lim bustest.Limits) runtime.Bus {
		return runtime.NewMemoryBus(runtime.WithHistory(lim.History), runtime.WithSubscriberQueue(lim.Queue))
	})
}
